import type { PurchaseRequest } from "@guestcard/shared";
import { useState } from "react";
import { formatMoney } from "../points/format";
import type { cashierCatalogues } from "./cashier-texts";
import type { TillKey } from "./pos-client";
import { closeBill } from "./till-requests";

type Texts = (typeof cashierCatalogues)["en"];

/** A confirmed bill whose answer has not arrived yet: its key and request, kept in this browser. */
export interface PendingBill {
  key: string;
  request: PurchaseRequest;
  guestName: string;
}

const storageKey = "guestcard:pending-bill";

/**
 * Kept from the moment a bill is confirmed until the server's answer arrives, so that a reload (or a
 * closed tab) after a lost answer can still retry with the same key instead of closing the bill twice.
 */
export function rememberPendingBill(pending: PendingBill | null): void {
  try {
    if (pending) localStorage.setItem(storageKey, JSON.stringify(pending));
    else localStorage.removeItem(storageKey);
  } catch {
    // Storage refused (private mode): the page still retries with the key it holds in memory.
  }
}

export function storedPendingBill(): PendingBill | null {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey) ?? "null") as PendingBill | null;
    return typeof stored?.key === "string" && typeof stored.request?.total === "number" ? stored : null;
  } catch {
    return null;
  }
}

/** After a reload: the bill that got no answer, with Retry (the same key) and Discard. */
export function PendingBillNotice({
  till,
  texts,
  locale,
  onSettled,
  onKeyRejected,
}: {
  till: TillKey;
  texts: Texts;
  locale: string;
  onSettled: () => void;
  onKeyRejected: () => void;
}) {
  const [pending, setPending] = useState(storedPendingBill);
  const [state, setState] = useState<"idle" | "sending" | "no_answer">("idle");
  const [result, setResult] = useState<{ tone: "success" | "error"; text: string } | null>(null);

  if (!pending) return result ? <p className={`notice notice-${result.tone}`}>{result.text}</p> : null;
  const settle = (text: { tone: "success" | "error"; text: string } | null) => {
    rememberPendingBill(null);
    setPending(null);
    setResult(text);
    onSettled();
  };
  async function retry() {
    if (!pending || state === "sending") return;
    setState("sending");
    const answer = await closeBill(till.key, pending.request, pending.key);
    if (answer.kind === "key_rejected") return onKeyRejected();
    if (answer.kind === "no_answer") return setState("no_answer");
    if (answer.kind === "refused")
      return settle({
        tone: "error",
        text: texts.billErrors[answer.code as keyof Texts["billErrors"]] ?? texts.billErrors.unexpected,
      });
    settle({ tone: "success", text: `${texts.billClosed}: № ${answer.body.purchase.checkId}` });
  }
  return (
    <section className="cashier-bill" data-pending-bill="">
      <p className="notice notice-error">
        {texts.pendingBill(
          pending.request.checkId,
          pending.guestName,
          formatMoney(pending.request.total, locale),
        )}
      </p>
      {state === "no_answer" && <p className="notice notice-error">{texts.noAnswer}</p>}
      <button
        type="button"
        className="button cashier-big-button"
        disabled={state === "sending"}
        onClick={() => void retry()}
      >
        {state === "sending" ? <span className="spinner" /> : texts.retrySame}
      </button>
      <button type="button" className="button button-plain" onClick={() => settle(null)}>
        {texts.discard}
      </button>
    </section>
  );
}
