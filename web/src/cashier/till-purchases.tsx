import type { TillPurchase } from "@guestcard/shared";
import { useCallback, useEffect, useRef, useState } from "react";
import { formatMoney, formatPoints, pointsWord } from "../points/format";
import type { cashierCatalogues } from "./cashier-texts";
import { newIdempotencyKey, type TillKey } from "./pos-client";
import { refundBill, tillPurchases } from "./till-requests";

type Texts = (typeof cashierCatalogues)["en"];
type BillErrorCode = keyof Texts["billErrors"];

type Listed =
  | { state: "loading" }
  | { state: "failed" }
  | { state: "ready"; purchases: TillPurchase[]; nextBefore: string | null; loadingMore: boolean };

/** This till's bills, newest first, each with a refund behind a confirmation. */
export function TillPurchases({
  till,
  texts,
  locale,
  changed,
  onKeyRejected,
}: {
  till: TillKey;
  texts: Texts;
  locale: string;
  /** Bumped by the page after it closed a bill: the list reads itself again. */
  changed: number;
  onKeyRejected: () => void;
}) {
  const [listed, setListed] = useState<Listed>({ state: "loading" });

  const load = useCallback(async () => {
    const answer = await tillPurchases(till.key);
    if (answer.kind === "key_rejected") return onKeyRejected();
    if (answer.kind !== "ok") return setListed({ state: "failed" });
    const { purchases, nextBefore } = answer.body;
    setListed({ state: "ready", purchases, nextBefore, loadingMore: false });
  }, [till.key, onKeyRejected]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `changed` is what asks for a new read
  useEffect(() => {
    void load();
  }, [load, changed]);

  async function loadMore() {
    if (listed.state !== "ready" || !listed.nextBefore) return;
    setListed({ ...listed, loadingMore: true });
    const answer = await tillPurchases(till.key, listed.nextBefore);
    if (answer.kind === "key_rejected") return onKeyRejected();
    if (answer.kind !== "ok") return setListed({ ...listed, loadingMore: false });
    const known = new Set(listed.purchases.map((purchase) => purchase.id));
    const older = answer.body.purchases.filter((purchase) => !known.has(purchase.id));
    setListed({
      state: "ready",
      purchases: [...listed.purchases, ...older],
      nextBefore: answer.body.nextBefore,
      loadingMore: false,
    });
  }

  return (
    <section className="section cashier-purchases" aria-label={texts.purchases}>
      <div className="cashier-purchases-header">
        <h2 className="section-header">{texts.purchases}</h2>
        <button type="button" className="cashier-link" onClick={() => void load()}>
          {texts.reload}
        </button>
      </div>
      {listed.state === "loading" && <span className="spinner" />}
      {listed.state === "failed" && <p className="notice notice-error">{texts.offline}</p>}
      {listed.state === "ready" && listed.purchases.length === 0 && (
        <p className="cashier-bill-hint">{texts.noPurchases}</p>
      )}
      {listed.state === "ready" && listed.purchases.length > 0 && (
        <ul className="cashier-purchase-list">
          {listed.purchases.map((purchase) => (
            <PurchaseRow
              key={purchase.id}
              purchase={purchase}
              till={till}
              texts={texts}
              locale={locale}
              onRefunded={() => void load()}
              onKeyRejected={onKeyRejected}
            />
          ))}
        </ul>
      )}
      {listed.state === "ready" && listed.nextBefore && (
        <button
          type="button"
          className="button button-plain"
          disabled={listed.loadingMore}
          onClick={() => void loadMore()}
        >
          {texts.more}
        </button>
      )}
    </section>
  );
}

type RefundPhase =
  | { kind: "idle" }
  | { kind: "confirming" }
  | { kind: "sending" }
  | { kind: "no_answer" }
  | { kind: "refused"; code: string }
  | { kind: "done"; points: number };

function PurchaseRow({
  purchase,
  till,
  texts,
  locale,
  onRefunded,
  onKeyRejected,
}: {
  purchase: TillPurchase;
  till: TillKey;
  texts: Texts;
  locale: string;
  onRefunded: () => void;
  onKeyRejected: () => void;
}) {
  const [phase, setPhase] = useState<RefundPhase>({ kind: "idle" });
  // The refund's own key, made when the cashier confirms and kept for every retry of it.
  const key = useRef<string | null>(null);
  const inFlight = useRef(false);
  const points = (value: number, signed = false) =>
    `${formatPoints(value, locale, signed)} ${pointsWord(value, locale, texts.pointsWords)}`;
  const money = (minor: number) => formatMoney(minor, locale);
  const time = new Date(purchase.at).toLocaleString(locale, {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });

  async function refund() {
    if (inFlight.current) return;
    inFlight.current = true;
    key.current ??= newIdempotencyKey();
    setPhase({ kind: "sending" });
    const answer = await refundBill(till.key, purchase.id, key.current);
    inFlight.current = false;
    if (answer.kind === "key_rejected") return onKeyRejected();
    if (answer.kind === "no_answer") return setPhase({ kind: "no_answer" });
    key.current = null;
    if (answer.kind === "refused") return setPhase({ kind: "refused", code: answer.code });
    setPhase({ kind: "done", points: answer.body.refund.points });
    onRefunded();
  }

  const refunded = purchase.refundedAt !== null;
  return (
    <li className="cashier-purchase" data-purchase={purchase.checkId} data-refunded={refunded || undefined}>
      <div className="cashier-purchase-main">
        <span className="cashier-purchase-line">
          {texts.purchaseLine(purchase.checkId, purchase.guestName ?? "—")}
        </span>
        <span className="cashier-purchase-total">{money(purchase.total)}</span>
      </div>
      <div className="cashier-purchase-main cashier-bill-hint">
        <span>
          {time} ·{" "}
          {texts.purchaseFigures(money(purchase.paid), points(purchase.redeemed), points(purchase.earned))}
        </span>
        {refunded ? (
          <span className="cashier-purchase-refunded">{texts.refunded}</span>
        ) : (
          phase.kind === "idle" && (
            <button
              type="button"
              className="button button-plain cashier-refund"
              onClick={() => setPhase({ kind: "confirming" })}
            >
              {texts.refund}
            </button>
          )
        )}
      </div>
      {!refunded && phase.kind !== "idle" && phase.kind !== "done" && (
        <div className="cashier-refund-confirm">
          <p className="notice notice-info">{texts.refundConfirm(purchase.checkId, money(purchase.total))}</p>
          {phase.kind === "no_answer" && <p className="notice notice-error">{texts.noAnswer}</p>}
          {phase.kind === "refused" && (
            <p className="notice notice-error">
              {texts.billErrors[phase.code as BillErrorCode] ?? texts.billErrors.unexpected}
            </p>
          )}
          <div className="cashier-refund-buttons">
            <button
              type="button"
              className="button button-destructive"
              disabled={phase.kind === "sending"}
              onClick={() => void refund()}
            >
              {phase.kind === "sending" ? (
                <span className="spinner" />
              ) : phase.kind === "no_answer" ? (
                texts.retrySame
              ) : (
                texts.refundYes
              )}
            </button>
            {phase.kind !== "sending" && phase.kind !== "no_answer" && (
              <button
                type="button"
                className="button button-plain"
                onClick={() => setPhase({ kind: "idle" })}
              >
                {texts.refundNo}
              </button>
            )}
          </div>
        </div>
      )}
      {phase.kind === "done" && (
        <p className="notice notice-success">
          {texts.refundDone(purchase.checkId, points(phase.points, true))}
        </p>
      )}
    </li>
  );
}
