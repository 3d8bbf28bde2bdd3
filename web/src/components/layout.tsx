import { type ReactNode, useContext } from "react";
import { I18nContext } from "../i18n";

/** The building blocks of every screen, styled after Telegram's own settings lists (styles.css). */

export function Page({
  title,
  intro,
  children,
}: {
  title?: ReactNode;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <main className="page">
      {title && <h1 className="page-title">{title}</h1>}
      {intro && <p className="page-intro">{intro}</p>}
      {children}
    </main>
  );
}

export function Section({
  header,
  footer,
  children,
}: {
  header?: ReactNode;
  footer?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="section">
      {header && <h2 className="section-header">{header}</h2>}
      <div className="section-body">{children}</div>
      {footer && <p className="section-footer">{footer}</p>}
    </section>
  );
}

interface CellProps {
  title: ReactNode;
  hint?: ReactNode;
  icon?: ReactNode;
  /** A tappable row when given; a plain one otherwise. */
  onClick?: () => void;
}

export function Cell({ title, hint, icon, onClick }: CellProps) {
  const content = (
    <>
      {icon && <span className="cell-icon">{icon}</span>}
      <span className="cell-text">
        <span className="cell-title">{title}</span>
        {hint && <span className="cell-hint">{hint}</span>}
      </span>
      {onClick && <span className="cell-chevron" aria-hidden="true" />}
    </>
  );
  return onClick ? (
    <button type="button" className="cell" onClick={onClick}>
      {content}
    </button>
  ) : (
    <div className="cell">{content}</div>
  );
}

/**
 * An empty row as tall as a Cell with a hint: the room of a row that is still loading, so the rows
 * below it do not move when it arrives. A tap aimed at the next row must land there, not on the row
 * that slid under the finger.
 */
export function CellSpace() {
  return <Cell title={"\u00a0"} hint={"\u00a0"} />;
}

/** A label above its value, for read-only data. */
export function Field({ label, value }: { label: ReactNode; value: ReactNode }) {
  return (
    <div className="cell field">
      <span className="cell-text">
        <span className="cell-hint">{label}</span>
        <span className="cell-title">{value}</span>
      </span>
    </div>
  );
}

export function Notice({
  tone = "info",
  children,
}: {
  tone?: "info" | "error" | "success";
  children: ReactNode;
}) {
  return (
    <p className={`notice notice-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}

export function Loading() {
  const texts = useContext(I18nContext);
  return (
    <div className="loading" role="status" aria-busy="true">
      <span className="spinner" />
      {texts && <span className="visually-hidden">{texts.loading}</span>}
    </div>
  );
}

/** A whole-screen message: the app cannot go on until the guest does what it says. */
export function Message({
  icon,
  title,
  text,
  children,
}: {
  icon: ReactNode;
  title: ReactNode;
  text: ReactNode;
  children?: ReactNode;
}) {
  return (
    <main className="page message">
      <div className="message-icon" aria-hidden="true">
        {icon}
      </div>
      <h1 className="page-title">{title}</h1>
      <p className="page-intro">{text}</p>
      {children}
    </main>
  );
}

/** Line icons drawn on a 24-unit grid in the current text colour. */
const paths = {
  card: "M3 6.5A2.5 2.5 0 0 1 5.5 4h13A2.5 2.5 0 0 1 21 6.5v11a2.5 2.5 0 0 1-2.5 2.5h-13A2.5 2.5 0 0 1 3 17.5zM3 9h18M7 15h4",
  qr: "M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2",
  review: "M4 5h16v11H9l-5 4zM8 9h8M8 12h5",
  shield: "M12 3l8 3v6c0 4.5-3.4 8.3-8 9-4.6-.7-8-4.5-8-9V6zM9 12l2 2 4-4",
  chart: "M4 20V10M10 20V4M16 20v-7M22 20H2",
  phone: "M7 3h4l2 5-3 2a11 11 0 0 0 4 4l2-3 5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 5 5a2 2 0 0 1 2-2z",
  alert: "M12 3l10 18H2zM12 10v5M12 18v.5",
  lock: "M6 11h12v10H6zM8 11V8a4 4 0 0 1 8 0v3",
  plane: "M3 11l18-8-7 18-3-7zM11 14l10-11",
  wifi: "M2 9a15 15 0 0 1 20 0M5 12.5a10 10 0 0 1 14 0M8.5 16a5 5 0 0 1 7 0M12 19.5v.5",
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="24"
      height="24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={paths[name]} />
    </svg>
  );
}
