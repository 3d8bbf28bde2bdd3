import {
  idempotencyHeadersSchema,
  purchaseRequestSchema,
  purchaseResponseSchema,
  refundResponseSchema,
  type TillPurchaseListResponse,
  tillPurchaseListQuerySchema,
  tillPurchaseListResponseSchema,
} from "@guestcard/shared";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod/mini";
import type { Database } from "../db/client";
import { openApiRoutes, type PosEnv, type RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse, routeParameters } from "../http/route-schema";
import { recordPurchase, refundPurchase, type TillAnswer } from "../loyalty/till-payments";
import { listTillPurchases } from "../loyalty/till-purchases";

export interface PurchaseRouteDeps {
  db: Database;
  /** A bill or a refund committed a message to the guest: start its delivery now. */
  onPointsChanged?: () => void;
}

const purchaseParams = z.object({ id: z.string() });

const idempotencyDescription =
  "Requires `Idempotency-Key` (1–100 of `A-Z a-z 0-9 _ -`, one per bill or refund, per terminal). The same key again — at once, later or concurrently — answers the first answer byte for byte (same status, same body, with `Idempotent-Replayed: true`) and changes nothing; the same key with another request is `409 idempotency_key_reused`.";

/**
 * The till's points calls (docs/api.md, "Points at the till"), mounted at `/api/pos/purchases` inside
 * the POS group (pos/routes.ts), so the terminal's key is checked before anything here runs. The
 * database function decides every answer and stores it under the key
 * (docs/decisions/015-points-ledger.md); the route sends its stored text unchanged, so a replay is
 * byte for byte the first answer (docs/decisions/016-points-routes.md).
 */
export function purchaseRoutes(group: RouteGroup<PosEnv>, deps: PurchaseRouteDeps) {
  const create = group.route({
    method: "post",
    path: "/",
    summary: "Close a bill against an identification: pay part with points, earn on the rest",
    description: `paid = total − redeem × 100; earned = ⌊paid × earnPercent / 10000⌋; redeem ≤ ⌊total × maxRedeemPercent / 10000⌋ and ≤ the balance. The identification (from identify) is valid for IDENTIFICATION_TTL_SECONDS, whatever became of the card since. ${idempotencyDescription}`,
    request: {
      headers: routeParameters(idempotencyHeadersSchema),
      body: jsonRequestBody(purchaseRequestSchema),
    },
    responses: { 201: jsonResponse("The bill and the guest's balance after it", purchaseResponseSchema) },
    errors: ["identification_not_found", "insufficient_points", "idempotency_key_reused"],
  });
  const refund = group.route({
    method: "post",
    path: "/{id}/refund",
    summary: "Refund a bill in one step",
    description: `Takes back the points the bill earned and returns the points it redeemed; the balance may go below zero here, and only here (a negative balance cannot be spent). Any till of the restaurant may refund any bill, once. ${idempotencyDescription}`,
    request: { headers: routeParameters(idempotencyHeadersSchema), params: routeParameters(purchaseParams) },
    responses: { 200: jsonResponse("The refund and the guest's balance after it", refundResponseSchema) },
    errors: ["purchase_not_found", "already_refunded", "idempotency_key_reused"],
  });
  const list = group.route({
    method: "get",
    path: "/",
    summary: "This terminal's bills, newest first",
    description:
      "At least 50 a page; pass `nextBefore` as `before` for the next page. Refunded bills stay in the list with `refundedAt`.",
    request: { query: routeParameters(tillPurchaseListQuerySchema) },
    responses: { 200: jsonResponse("A page of the terminal's bills", tillPurchaseListResponseSchema) },
  });

  const send = (c: Context<PosEnv>, answer: TillAnswer<unknown>, success: number) => {
    if (answer.status === success && !answer.replayed) deps.onPointsChanged?.();
    // The stored text itself, not the parsed body serialised again: a replay is the first answer's bytes.
    return c.body(answer.bodyText, answer.status as ContentfulStatusCode, {
      "content-type": "application/json",
      ...(answer.replayed ? { "idempotent-replayed": "true" } : {}),
    });
  };

  return openApiRoutes<PosEnv>()
    .openapi(create, async (c) => {
      const answer = await recordPurchase(deps.db, {
        terminal: c.get("terminal"),
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        request: c.req.valid("json"),
      });
      return send(c, answer, 201) as never;
    })
    .openapi(refund, async (c) => {
      const answer = await refundPurchase(deps.db, {
        terminal: c.get("terminal"),
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        purchaseId: c.req.valid("param").id,
      });
      return send(c, answer, 200) as never;
    })
    .openapi(list, async (c) => {
      const body: TillPurchaseListResponse = await listTillPurchases(
        deps.db,
        c.get("terminal"),
        c.req.valid("query"),
      );
      return c.json(body, 200);
    });
}
