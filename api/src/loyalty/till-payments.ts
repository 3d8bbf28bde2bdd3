import { createHash } from "node:crypto";
import type { ErrorEnvelope, PurchaseRequest, PurchaseResponse, RefundResponse } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";

/**
 * What a till's purchase or refund gets, ready to render: the status and the body — as the exact
 * JSON text stored under the Idempotency-Key (`bodyText`, compact, which is byte for byte what
 * `JSON.stringify(body)` gives) — and whether it is a replay of an earlier answer.
 */
export interface TillAnswer<Success> {
  status: number;
  body: Success | ErrorEnvelope;
  bodyText: string;
  replayed: boolean;
}

export interface PurchaseCall {
  /** The terminal's name (from its POS key): Idempotency-Keys are per terminal. */
  terminal: string;
  idempotencyKey: string;
  /** Validated with `purchaseRequestSchema`. */
  request: PurchaseRequest;
}

export interface RefundCall {
  terminal: string;
  idempotencyKey: string;
  /** The `{id}` of the path, as sent. */
  purchaseId: string;
}

interface AnswerRow {
  status: number;
  body: string;
  replayed: boolean;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for an id that may name a row; anything else names nothing (and must not reach a uuid cast). */
export function isUuid(id: string): boolean {
  return uuidPattern.test(id);
}

/** An id that is not a uuid cannot name anything: the database function treats it as unknown (404). */
function uuidOrNull(id: string): string | null {
  return isUuid(id) ? id : null;
}

/**
 * A digest of the request as validated, so "the same request" means the same values, whatever the
 * JSON's spacing or key order. The operation is part of it: one key cannot serve a purchase and a refund.
 */
export function requestFingerprint(request: readonly (string | number)[]): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

/**
 * `POST /api/pos/purchases` (docs/api.md): closes a bill against an identification, exactly once per
 * terminal and key — in one database call (`guestcard_pos_purchase`, migration 0006), which decides
 * every answer, stores it under the key, and commits the bill, its movements, the balance and the
 * guest's message together. Why in the database: docs/decisions/015-points-ledger.md.
 */
export async function recordPurchase(
  db: Database,
  call: PurchaseCall,
): Promise<TillAnswer<PurchaseResponse>> {
  const { identificationId, checkId, total, redeem } = call.request;
  assertWholeNumbers(total, redeem);
  const fingerprint = requestFingerprint(["purchase", identificationId, checkId, total, redeem]);
  const [row] = await selectRows<AnswerRow>(
    db,
    sql`select * from guestcard_pos_purchase(${call.terminal}, ${call.idempotencyKey}, ${fingerprint},
      ${uuidOrNull(identificationId)}::uuid, ${checkId}, ${total}::bigint, ${redeem}::bigint)`,
  );
  return toAnswer<PurchaseResponse>(row);
}

/**
 * `POST /api/pos/purchases/{id}/refund` (docs/api.md): undoes a bill in one step, exactly once per
 * terminal and key, and once per bill (`guestcard_pos_refund`, migration 0006).
 */
export async function refundPurchase(db: Database, call: RefundCall): Promise<TillAnswer<RefundResponse>> {
  const fingerprint = requestFingerprint(["refund", call.purchaseId]);
  const [row] = await selectRows<AnswerRow>(
    db,
    sql`select * from guestcard_pos_refund(${call.terminal}, ${call.idempotencyKey}, ${fingerprint},
      ${uuidOrNull(call.purchaseId)}::uuid)`,
  );
  return toAnswer<RefundResponse>(row);
}

function toAnswer<Success>(row: AnswerRow | undefined): TillAnswer<Success> {
  if (!row) throw new Error("the till's payment function returned no row");
  return {
    status: Number(row.status),
    body: JSON.parse(row.body) as Success | ErrorEnvelope,
    bodyText: row.body,
    replayed: row.replayed === true,
  };
}

/** The route validated these; a fraction here would be a bug upstream, and must never reach money. */
function assertWholeNumbers(...values: number[]): void {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a whole number: ${value}`);
  }
}
