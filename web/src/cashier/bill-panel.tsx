import {
  checkIdMaxLength,
  type FieldErrors,
  type PosIdentifyResponse,
  type PurchaseRequest,
  type PurchaseResponse,
} from "@guestcard/shared";
import { type FormEvent, useRef, useState } from "react";
import { formatMoney, formatPoints, pointsWord, tierDisplayName } from "../points/format";
import { billFigures } from "./bill-figures";
import type { cashierCatalogues } from "./cashier-texts";
import { parseMoneyInput, parsePointsInput } from "./money-input";
import { rememberPendingBill } from "./pending-bill";
import { newIdempotencyKey, type TillKey } from "./pos-client";
import { closeBill } from "./till-requests";

type Texts = (typeof cashierCatalogues)["en"];
type BillErrorCode = keyof Texts["billErrors"];

/** A confirmation on its way: its key and the exact request, re-sent as they are on a retry. */
interface Attempt {
  key: string;
  request: PurchaseRequest;
}

type Phase =
  | { kind: "editing" }
  | { kind: "sending" }
  | { kind: "no_answer" }
  | { kind: "refused"; code: string; fieldErrors: FieldErrors }
  | { kind: "closed"; answer: PurchaseResponse };

/** A check number the cashier may keep or overwrite with the till's own: the local date and time. */
function suggestedCheckId(): string {
  const now = new Date();
  const two = (value: number) => String(value).padStart(2, "0");
  return `${String(now.getFullYear()).slice(2)}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

/**
 * The bill for an identified guest: the total and the points to spend (prefilled with the most
 * allowed), what the guest pays and earns, and one confirmation that charges exactly once — its
 * `Idempotency-Key` is made when the cashier confirms and re-sent, with the same request, by every
 * retry after a lost answer (docs/api.md, "Idempotency").
 */
export function BillPanel({
  till,
  guest,
  texts,
  locale,
  onClosed,
  onNextGuest,
  onKeyRejected,
}: {
  till: TillKey;
  guest: PosIdentifyResponse;
  texts: Texts;
  locale: string;
  onClosed: (answer: PurchaseResponse) => void;
  onNextGuest: () => void;
  onKeyRejected: () => void;
}) {
  const { loyalty } = guest;
  const [totalText, setTotalText] = useState("");
  const [pointsText, setPointsText] = useState<string | null>(null);
  const [checkId, setCheckId] = useState(suggestedCheckId);
  const [shown, setShown] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "editing" });
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  const [discarding, setDiscarding] = useState(false);
  // A double tap lands before React re-renders the disabled button; this catches the second one.
  const inFlight = useRef(false);

  const points = (value: number, signed = false) =>
    `${formatPoints(value, locale, signed)} ${pointsWord(value, locale, texts.pointsWords)}`;
  const money = (minor: number) => formatMoney(minor, locale);

  const total = parseMoneyInput(totalText);
  const totalMinor = total.ok && total.minor > 0 ? total.minor : null;
  const figuresForMax = totalMinor === null ? null : billFigures(totalMinor, 0, loyalty);
  // Until the cashier edits it, the points field follows the most the bill allows.
  const redeemText = pointsText ?? (figuresForMax ? String(figuresForMax.maxRedeem) : "");
  const redeem = parsePointsInput(redeemText);
  const figures = totalMinor !== null && redeem.ok ? billFigures(totalMinor, redeem.points, loyalty) : null;

  const serverFields = phase.kind === "refused" ? phase.fieldErrors : {};
  const totalError =
    totalText.trim() === "" && !shown
      ? null
      : !total.ok
        ? texts.moneyProblems[total.problem]
        : total.minor === 0
          ? texts.zeroTotal
          : serverFields.total
            ? texts.billErrors.validation_failed
            : null;
  const redeemError = !redeem.ok
    ? texts.pointsProblems[redeem.problem]
    : figures?.problem === "over_share" || serverFields.redeem
      ? texts.overShare(points(figures?.maxRedeem ?? 0))
      : figures?.problem === "over_balance"
        ? texts.overBalance(points(loyalty.balance))
        : null;
  const checkError =
    checkId.trim() === "" || checkId.length > checkIdMaxLength || serverFields.checkId
      ? texts.checkIdRequired
      : null;

  const locked = attempt !== null || phase.kind === "closed";
  const request: PurchaseRequest | null =
    totalMinor !== null && redeem.ok && figures?.problem === null && !checkError
      ? {
          identificationId: guest.identification.id,
          checkId: checkId.trim(),
          total: totalMinor,
          redeem: redeem.points,
        }
      : null;

  async function send(toSend: Attempt) {
    if (inFlight.current) return;
    inFlight.current = true;
    setPhase({ kind: "sending" });
    const answer = await closeBill(till.key, toSend.request, toSend.key);
    inFlight.current = false;
    if (answer.kind === "ok" || answer.kind === "refused") rememberPendingBill(null);
    switch (answer.kind) {
      case "ok":
        setAttempt(null);
        setPhase({ kind: "closed", answer: answer.body });
        onClosed(answer.body);
        return;
      case "no_answer":
        setPhase({ kind: "no_answer" });
        return;
      case "refused":
        // The server decided; the key has had its answer. A new confirmation gets a new key.
        setAttempt(null);
        setPhase({ kind: "refused", code: answer.code, fieldErrors: answer.fieldErrors });
        return;
      case "key_rejected":
        onKeyRejected();
    }
  }

  function confirm(event: FormEvent) {
    event.preventDefault();
    if (inFlight.current) return;
    if (attempt) return void send(attempt); // a retry: the same key, the same request
    setShown(true);
    if (!request) return;
    const fresh = { key: newIdempotencyKey(), request };
    setAttempt(fresh);
    rememberPendingBill({ ...fresh, guestName: guest.account.displayName });
    void send(fresh);
  }

  if (phase.kind === "closed") {
    const { purchase, balance } = phase.answer;
    return (
      <section className="cashier-bill cashier-bill-closed" data-bill="closed" aria-live="assertive">
        <span className="cashier-answer-title">✓ {texts.billClosed}</span>
        <span className="cashier-bill-paid">{money(purchase.paid)}</span>
        <span>
          {texts.billClosedText(money(purchase.paid), points(purchase.earned, true), points(balance))}
        </span>
        <button type="button" className="button cashier-big-button" onClick={onNextGuest}>
          {texts.newBill}
        </button>
      </section>
    );
  }

  const refusedText =
    phase.kind === "refused"
      ? (texts.billErrors[phase.code as BillErrorCode] ?? texts.billErrors.unexpected)
      : null;
  return (
    <form className="cashier-bill" data-bill={phase.kind} noValidate onSubmit={confirm}>
      <div className="cashier-bill-loyalty">
        <span>
          {texts.balance}: <strong data-balance={loyalty.balance}>{points(loyalty.balance)}</strong>
        </span>
        <span>
          {texts.tier}: <strong>{tierDisplayName(loyalty.tier, texts.defaultTier)}</strong>
        </span>
        <span className="cashier-bill-hint">
          {figuresForMax
            ? `${texts.mayPayNow}: ${points(figuresForMax.maxRedeem)}`
            : texts.mayPayUpTo(loyalty.maxRedeemPercent)}
        </span>
      </div>

      <div className="cashier-bill-inputs">
        <label className="cashier-field" data-invalid={totalError ? "" : undefined}>
          <span className="input-label">{texts.billTotal}</span>
          <input
            name="total"
            inputMode="decimal"
            autoComplete="off"
            placeholder={texts.billTotalPlaceholder}
            value={totalText}
            disabled={locked}
            onChange={(event) => setTotalText(event.target.value)}
          />
          {totalError && <span className="field-error">{totalError}</span>}
        </label>
        <label className="cashier-field" data-invalid={redeemError ? "" : undefined}>
          <span className="input-label">{texts.pointsToSpend}</span>
          <input
            name="redeem"
            inputMode="numeric"
            autoComplete="off"
            value={redeemText}
            disabled={locked}
            onChange={(event) => setPointsText(event.target.value)}
          />
          {redeemError && <span className="field-error">{redeemError}</span>}
        </label>
        <div className="cashier-redeem-shortcuts">
          <button
            type="button"
            className="button button-plain"
            disabled={locked}
            onClick={() => setPointsText(null)}
          >
            {texts.useMax}
          </button>
          <button
            type="button"
            className="button button-plain"
            disabled={locked}
            onClick={() => setPointsText("0")}
          >
            {texts.useNone}
          </button>
        </div>
        <label className="cashier-field" data-invalid={checkError ? "" : undefined}>
          <span className="input-label">{texts.checkId}</span>
          <input
            name="checkId"
            autoComplete="off"
            maxLength={checkIdMaxLength}
            value={checkId}
            disabled={locked}
            onChange={(event) => setCheckId(event.target.value)}
          />
          {checkError && <span className="field-error">{checkError}</span>}
        </label>
      </div>

      <dl className="cashier-bill-figures" aria-live="polite">
        <div>
          <dt>{texts.guestPays}</dt>
          <dd data-figure="paid">{figures && !figures.problem ? money(figures.paid) : "—"}</dd>
        </div>
        <div>
          <dt>{texts.guestEarns}</dt>
          <dd data-figure="earned">{figures && !figures.problem ? points(figures.earned, true) : "—"}</dd>
        </div>
        <div>
          <dt>{texts.balanceAfter}</dt>
          <dd data-figure="balance-after">
            {figures && !figures.problem ? points(figures.balanceAfter) : "—"}
          </dd>
        </div>
      </dl>

      {refusedText && (
        <p
          className="notice notice-error"
          role="alert"
          data-refused={phase.kind === "refused" ? phase.code : undefined}
        >
          {refusedText}
        </p>
      )}
      {phase.kind === "no_answer" && (
        <p className="notice notice-error" role="alert" data-no-answer="">
          {texts.noAnswer}
        </p>
      )}

      <button
        type="submit"
        className="button cashier-big-button"
        disabled={phase.kind === "sending"}
        data-action={attempt ? "retry" : "confirm"}
      >
        {phase.kind === "sending" ? (
          <span className="spinner" />
        ) : attempt ? (
          texts.retrySame
        ) : figures && !figures.problem ? (
          texts.closeBill(money(figures.paid))
        ) : (
          texts.closeBillEmpty
        )}
      </button>
      {phase.kind === "no_answer" &&
        (discarding ? (
          <div className="cashier-discard">
            <p className="notice notice-info">{texts.discardConfirm}</p>
            <button
              type="button"
              className="button button-plain"
              onClick={() => {
                setAttempt(null);
                rememberPendingBill(null);
                setDiscarding(false);
                setPhase({ kind: "editing" });
              }}
            >
              {texts.discard}
            </button>
          </div>
        ) : (
          <button type="button" className="button button-plain" onClick={() => setDiscarding(true)}>
            {texts.discard}
          </button>
        ))}
    </form>
  );
}
