import type {
  FieldErrors,
  PurchaseRequest,
  PurchaseResponse,
  RefundResponse,
  TillPurchaseListResponse,
} from "@guestcard/shared";
import { parseErrorEnvelope } from "../error-envelope";

/**
 * The till's points calls (docs/api.md, POS API): close a bill, refund one, list this till's bills.
 * Every answer is sorted into what the page does next:
 * - `ok`: done;
 * - `refused`: the server answered and decided (409 insufficient points, 404 a stale reading…): the
 *   key has served its purpose, a new confirmation gets a new one;
 * - `no_answer`: the network failed, the request timed out, or a 5xx came back (a proxy's or the
 *   server's): the request may or may not have taken effect, so the page keeps the key and its retry
 *   sends the very same request, which the server answers with its first answer if it got there;
 * - `key_rejected`: the till's POS key no longer works.
 *
 * Plain `fetch` rather than the typed `hc` client: these routes send the stored answer's bytes as
 * they are (a replay must be byte for byte the first answer), which the client's types cannot
 * follow; the bodies are typed by the shared schemas' types instead.
 */
export type TillAnswer<T> =
  | { kind: "ok"; body: T }
  | { kind: "refused"; status: number; code: string; fieldErrors: FieldErrors }
  | { kind: "no_answer" }
  | { kind: "key_rejected" };

/** A bill that gets no answer in this long is treated as unanswered: the cashier may retry it safely. */
const answerTimeoutMs = 15_000;

async function send<T>(
  posKey: string,
  method: "GET" | "POST",
  path: string,
  options: { json?: unknown; idempotencyKey?: string } = {},
): Promise<TillAnswer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${posKey}` };
  if (options.json !== undefined) headers["content-type"] = "application/json";
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(`${window.location.origin}/api/pos${path}`, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      signal: AbortSignal.timeout(answerTimeoutMs),
    });
  } catch {
    return { kind: "no_answer" };
  }
  if (response.status === 401) return { kind: "key_rejected" };
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && body !== undefined) return { kind: "ok", body: body as T };
  if (response.status >= 500 || body === undefined) return { kind: "no_answer" };
  const error = parseErrorEnvelope(body);
  return {
    kind: "refused",
    status: response.status,
    code: error?.code ?? "unexpected",
    fieldErrors: error?.fieldErrors ?? {},
  };
}

/** `POST /api/pos/purchases` with the confirmation's key; a retry passes the same key and request. */
export function closeBill(posKey: string, request: PurchaseRequest, idempotencyKey: string) {
  return send<PurchaseResponse>(posKey, "POST", "/purchases", { json: request, idempotencyKey });
}

/** `POST /api/pos/purchases/{id}/refund` with the refund's own key. */
export function refundBill(posKey: string, purchaseId: string, idempotencyKey: string) {
  return send<RefundResponse>(posKey, "POST", `/purchases/${encodeURIComponent(purchaseId)}/refund`, {
    idempotencyKey,
  });
}

/** `GET /api/pos/purchases?before=`: this till's bills, newest first. */
export function tillPurchases(posKey: string, before?: string) {
  const query = before ? `?${new URLSearchParams({ before })}` : "";
  return send<TillPurchaseListResponse>(posKey, "GET", `/purchases${query}`);
}
