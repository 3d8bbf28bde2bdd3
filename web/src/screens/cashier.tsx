import {
  type InvalidCodeReason,
  invalidCodeReasons,
  type PosIdentifyResponse,
  readCardCode,
} from "@guestcard/shared";
import { type FormEvent, lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { BillPanel } from "../cashier/bill-panel";
import { cashierCatalogues } from "../cashier/cashier-texts";
import { PendingBillNotice } from "../cashier/pending-bill";
import {
  createPosClient,
  forgetTillKey,
  storedTillKey,
  storeTillKey,
  type TillKey,
} from "../cashier/pos-client";
import { TillPurchases } from "../cashier/till-purchases";
import { Loading, Notice, Page } from "../components/layout";
import { parseErrorEnvelope } from "../error-envelope";
import { useTexts } from "../i18n";
import "../cashier/cashier.css";

type Texts = (typeof cashierCatalogues)["en"];

// The camera and its QR reader (WebAssembly) load only when staff turn the camera on.
const CameraScanner = lazy(() =>
  import("../cashier/camera-scanner").then((module) => ({ default: module.CameraScanner })),
);

/**
 * The till's page (`/cashier`): asks once for the terminal's POS key, then identifies guests from a
 * scanned QR (a 2D scanner types it and presses Enter), a typed PIN, or the camera.
 */
export function CashierScreen() {
  const { language, locale } = useTexts();
  const texts = cashierCatalogues[language];
  // The demo launcher hands over its till's key in the URL fragment (never sent to a server).
  const [offeredKey] = useState(takeKeyFromLocation);
  const [till, setTill] = useState<TillKey | null>(() => (offeredKey ? null : storedTillKey()));
  const [setupNotice, setSetupNotice] = useState<string | null>(null);

  useEffect(() => {
    document.title = `Guestcard · ${texts.title}`;
  }, [texts.title]);

  if (!till) {
    return (
      <TillSetup
        texts={texts}
        notice={setupNotice}
        offeredKey={offeredKey}
        onConnected={(connected) => {
          storeTillKey(connected);
          setTill(connected);
        }}
      />
    );
  }
  return (
    <TillDesk
      till={till}
      texts={texts}
      locale={locale}
      onKeyRejected={(revoked) => {
        forgetTillKey();
        setSetupNotice(revoked ? texts.keyRevoked : null);
        setTill(null);
      }}
    />
  );
}

function takeKeyFromLocation(): string | null {
  const key = new URLSearchParams(window.location.hash.slice(1)).get("pos-key");
  if (key) window.history.replaceState(null, "", window.location.pathname);
  return key;
}

function TillSetup({
  texts,
  notice,
  offeredKey,
  onConnected,
}: {
  texts: Texts;
  notice: string | null;
  offeredKey: string | null;
  onConnected: (till: TillKey) => void;
}) {
  const [key, setKey] = useState(offeredKey ?? "");
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string | null>(notice);

  const check = async (candidate: string) => {
    setChecking(true);
    setProblem(null);
    try {
      const response = await createPosClient(candidate).terminal.$get();
      if (response.status === 200) {
        const { terminal } = await response.json();
        onConnected({ key: candidate, terminal });
      } else {
        setProblem(response.status === 401 ? texts.keyRejected : texts.offline);
      }
    } catch {
      setProblem(texts.offline);
    } finally {
      setChecking(false);
    }
  };
  const connect = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) void check(key.trim());
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, for the key the launcher offered
  useEffect(() => {
    if (offeredKey) void check(offeredKey);
  }, []);

  return (
    <Page title={texts.setupTitle} intro={texts.setupText}>
      <form className="cashier-setup" onSubmit={connect}>
        <section className="section">
          <div className="section-body">
            <label className="input-cell">
              <span className="input-label">{texts.keyLabel}</span>
              <input
                type="password"
                name="pos-key"
                autoComplete="off"
                // biome-ignore lint/a11y/noAutofocus: the only thing to do on this page
                autoFocus
                value={key}
                onChange={(event) => setKey(event.target.value)}
              />
            </label>
          </div>
        </section>
        {problem && <Notice tone="error">{problem}</Notice>}
        <button type="submit" className="button" disabled={checking || key.trim() === ""}>
          {checking ? <span className="spinner" /> : texts.connect}
        </button>
      </form>
    </Page>
  );
}

type Outcome =
  | { kind: "ready" }
  | { kind: "checking" }
  | { kind: "found"; guest: PosIdentifyResponse }
  | { kind: "not_found" }
  | { kind: "invalid"; reason: InvalidCodeReason }
  | { kind: "blocked"; until: number }
  | { kind: "offline" };

/**
 * How long a miss stays on screen before the page clears itself for the next guest. A found guest
 * stays until the bill is closed and the cashier taps "Next guest", or the next code is read.
 */
const missShownMs = 10_000;

function TillDesk({
  till,
  texts,
  locale,
  onKeyRejected,
}: {
  till: TillKey;
  texts: Texts;
  locale: string;
  onKeyRejected: (revoked: boolean) => void;
}) {
  const pos = useRef(createPosClient(till.key)).current;
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState("");
  const [outcome, setOutcome] = useState<Outcome>({ kind: "ready" });
  const [camera, setCamera] = useState<"off" | "on" | "failed">("off");
  const now = useNow(outcome.kind === "blocked");
  const [billsChanged, setBillsChanged] = useState(0);

  const identify = useCallback(
    async (raw: string) => {
      setValue("");
      const reading = readCardCode(raw);
      // A misheard PIN is caught here and never spends one of the till's allowed misses.
      if (reading.kind === "invalid") return setOutcome({ kind: "invalid", reason: reading.reason });
      setOutcome({ kind: "checking" });
      try {
        const response = await pos.identify.$post({ json: { code: reading.digits } });
        if (response.status === 200) return setOutcome({ kind: "found", guest: await response.json() });
        if (response.status === 401) return onKeyRejected(true);
        const error = parseErrorEnvelope(await response.json().catch(() => undefined));
        if (response.status === 429) {
          const seconds =
            Number(error?.params?.retryAfterSeconds ?? response.headers.get("retry-after")) || 60;
          return setOutcome({ kind: "blocked", until: Date.now() + seconds * 1000 });
        }
        if (error?.code === "invalid_code") {
          const reason = invalidCodeReasons.find((known) => known === error.params?.reason);
          return setOutcome({ kind: "invalid", reason: reason ?? "check_digit" });
        }
        setOutcome(response.status === 404 ? { kind: "not_found" } : { kind: "offline" });
      } catch {
        setOutcome({ kind: "offline" });
      }
    },
    [pos, onKeyRejected],
  );

  // Clear the answer for the next guest; a block ends when the server said it would.
  useEffect(() => {
    if (outcome.kind === "ready" || outcome.kind === "checking" || outcome.kind === "found") return;
    const delay = outcome.kind === "blocked" ? outcome.until - Date.now() : missShownMs;
    const timer = window.setTimeout(() => setOutcome({ kind: "ready" }), Math.max(0, delay));
    return () => window.clearTimeout(timer);
  }, [outcome]);

  // The input keeps the focus, so a scanner acting as a keyboard always types into it — except
  // while the cashier works on a found guest's bill.
  const billOpen = outcome.kind === "found";
  const keepFocus = useCallback(() => {
    if (camera !== "on" && !billOpen) window.setTimeout(() => input.current?.focus(), 0);
  }, [camera, billOpen]);
  useEffect(() => {
    keepFocus();
    window.addEventListener("focus", keepFocus);
    return () => window.removeEventListener("focus", keepFocus);
  }, [keepFocus]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() !== "" && outcome.kind !== "checking") void identify(value);
  };

  return (
    <Page>
      <header className="cashier-header">
        <h1 className="page-title">{texts.title}</h1>
        <span className="cashier-terminal">
          {texts.terminal(till.terminal)} ·{" "}
          <button type="button" className="cashier-link" onClick={() => onKeyRejected(false)}>
            {texts.changeKey}
          </button>
        </span>
      </header>

      <form className="cashier-form" onSubmit={submit}>
        <label className="cashier-code">
          <span className="input-label">{texts.codeLabel}</span>
          <input
            ref={input}
            name="code"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            placeholder={texts.codePlaceholder}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            onBlur={keepFocus}
            maxLength={64}
          />
        </label>
        <button
          type="submit"
          className="button"
          disabled={value.trim() === "" || outcome.kind === "checking"}
        >
          {texts.find}
        </button>
      </form>

      <PendingBillNotice
        till={till}
        texts={texts}
        locale={locale}
        onSettled={() => setBillsChanged((count) => count + 1)}
        onKeyRejected={() => onKeyRejected(true)}
      />
      <Answer outcome={outcome} texts={texts} now={now} />
      {outcome.kind === "found" && (
        <BillPanel
          key={outcome.guest.identification.id}
          till={till}
          guest={outcome.guest}
          texts={texts}
          locale={locale}
          onClosed={() => setBillsChanged((count) => count + 1)}
          onNextGuest={() => setOutcome({ kind: "ready" })}
          onKeyRejected={() => onKeyRejected(true)}
        />
      )}

      {camera === "on" ? (
        <div className="cashier-camera-box">
          <Suspense fallback={<Loading />}>
            <CameraScanner
              onCode={(text) => {
                setCamera("off");
                void identify(text);
              }}
              onFailure={() => setCamera("failed")}
            />
          </Suspense>
          <p className="page-intro">{texts.cameraHint}</p>
          <button type="button" className="button button-plain" onClick={() => setCamera("off")}>
            {texts.cameraStop}
          </button>
        </div>
      ) : (
        "mediaDevices" in navigator && (
          <button type="button" className="button button-plain" onClick={() => setCamera("on")}>
            {texts.camera}
          </button>
        )
      )}
      {camera === "failed" && <Notice tone="error">{texts.cameraFailed}</Notice>}

      <TillPurchases
        till={till}
        texts={texts}
        locale={locale}
        changed={billsChanged}
        onKeyRejected={() => onKeyRejected(true)}
      />
    </Page>
  );
}

function Answer({ outcome, texts, now }: { outcome: Outcome; texts: Texts; now: number }) {
  switch (outcome.kind) {
    case "ready":
      return (
        <div className="cashier-answer cashier-answer-ready" data-answer="ready" aria-live="polite">
          {texts.nextGuest}
        </div>
      );
    case "checking":
      return (
        <div className="cashier-answer" data-answer="checking" aria-live="polite">
          <Loading />
        </div>
      );
    case "found":
      return (
        <div className="cashier-answer cashier-answer-found" data-answer="found" aria-live="assertive">
          <span className="cashier-answer-title">✓ {texts.guestFound}</span>
          <span className="cashier-guest-name">{outcome.guest.account.displayName}</span>
          <span className="cashier-guest-phone">{outcome.guest.account.phoneMasked}</span>
        </div>
      );
    case "not_found":
      return (
        <div className="cashier-answer cashier-answer-bad" data-answer="not_found" aria-live="assertive">
          <span className="cashier-answer-title">✕ {texts.notFound}</span>
          <span>{texts.notFoundText}</span>
        </div>
      );
    case "invalid":
      return (
        <div className="cashier-answer cashier-answer-warn" data-answer="invalid" aria-live="assertive">
          <span className="cashier-answer-title">! {texts.invalid}</span>
          <span>{texts.invalidText[outcome.reason]}</span>
        </div>
      );
    case "blocked":
      return (
        <div className="cashier-answer cashier-answer-bad" data-answer="blocked" aria-live="assertive">
          <span className="cashier-answer-title">{texts.blocked}</span>
          <span>{texts.blockedText(Math.max(1, Math.ceil((outcome.until - now) / 1000)))}</span>
        </div>
      );
    case "offline":
      return (
        <div className="cashier-answer cashier-answer-bad" data-answer="offline" aria-live="assertive">
          {texts.offline}
        </div>
      );
  }
}

/** The current time, every half second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(timer);
  }, [ticking]);
  return now;
}
