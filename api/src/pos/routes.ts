import {
  type PosIdentifyRequest,
  type PosIdentifyResponse,
  type PosTerminalResponse,
  posIdentifyRequestSchema,
  posIdentifyResponseSchema,
  posMissLimit,
  posTerminalResponseSchema,
  readCardCode,
} from "@guestcard/shared";
import type { MiddlewareHandler } from "hono";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import { readJsonBody } from "../http/request-body";
import type { PosEnv, RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse } from "../http/route-schema";
import { parseOrThrow } from "../http/validation";
import type { Logger } from "../logger";
import { recordSourceEvent } from "../sources/attribution";
import { identifyAtTill, type TillInput } from "./identify";
import { purchaseRoutes } from "./purchase-routes";

/** Declares the JSON body for `hc<AppType>` clients without reading it: the handler reads it itself. */
const declaresJsonBody: MiddlewareHandler<PosEnv, string, { in: { json: PosIdentifyRequest } }> = (
  _c,
  next,
) => next();

const invalidCodeMessages = {
  not_digits: "A card code has digits only.",
  wrong_length: "A PIN has 6 digits and a QR code 18.",
  check_digit: "The check digit does not match: a digit was misheard or mistyped.",
} as const;

/**
 * The POS API (docs/api.md): `GET /api/pos/terminal`, `POST /api/pos/identify`, and the bills under
 * `/api/pos/purchases` (purchase-routes.ts).
 *
 * Identify keeps its own order of checks. The body is read before the rate limit is checked but
 * its errors are answered after it, so a blocked terminal gets 429 whatever it sends, and a body
 * without a usable code still counts as a miss: 401 → 429 → 413/400 → 422 → 404. So its route is
 * documented like the others but validated here, by hand, with the same reader and the same schema
 * (a validator in front of the handler would answer 400 or 422 before a blocked terminal's 429).
 */
export function posRoutes(
  group: RouteGroup<PosEnv>,
  deps: { db: Database; config: Config; logger: Logger; onPointsChanged?: () => void },
) {
  const terminal = group.route({
    method: "get",
    path: "/terminal",
    summary: "The terminal this key belongs to",
    description: "Lets the cashier page check a key when staff enter it, without spending an identification.",
    responses: { 200: jsonResponse("The terminal's name", posTerminalResponseSchema) },
  });
  const identify = group.route({
    method: "post",
    path: "/identify",
    summary: "Identify a guest by their card's PIN or QR code",
    description:
      "Unknown, expired and replaced cards get the same 404. More than 10 misses (404 or 422) from one terminal within a rolling minute: every identify from that terminal gets 429 with `Retry-After` while it lasts, even a correct code. Every identification and every miss is recorded with the terminal's name.",
    request: { body: jsonRequestBody(posIdentifyRequestSchema) },
    responses: { 200: jsonResponse("The guest and their card", posIdentifyResponseSchema) },
    errors: ["too_many_attempts", "invalid_code", "code_not_found"],
  });
  const routes = group.routes();
  routes.openAPIRegistry.registerPath(identify);
  return routes
    .openapi(terminal, (c) => {
      const body: PosTerminalResponse = { terminal: c.get("terminal") };
      return c.json(body, 200);
    })
    .post("/identify", declaresJsonBody, async (c) => {
      const terminal = c.get("terminal");
      let bodyError: ApiError | undefined;
      let input: TillInput = { kind: "unreadable" };
      try {
        const { value } = await readJsonBody(c.req.raw);
        const { code } = parseOrThrow(posIdentifyRequestSchema, value);
        input = readCardCode(code);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        bodyError = error;
        // A body without a usable `code` is answered 422 like a bad code, so it counts as a miss too.
        if (error.code === "validation_failed") input = { kind: "invalid", reason: "not_digits" };
      }

      const result = await identifyAtTill(
        deps.db,
        terminal,
        input,
        posMissLimit,
        deps.config.identificationTtlSeconds,
      );
      if (result.outcome === "rate_limited") {
        throw new ApiError(
          "too_many_attempts",
          `Too many codes not found at this terminal; try again in ${result.retryAfterSeconds} s.`,
          undefined,
          { "retry-after": String(result.retryAfterSeconds) },
        );
      }
      if (bodyError) throw bodyError;
      if (result.outcome === "invalid_code" && input.kind === "invalid") {
        throw new ApiError("invalid_code", invalidCodeMessages[input.reason], undefined, undefined, {
          reason: input.reason,
        });
      }
      if (result.outcome !== "identified") {
        // Unknown, expired and replaced cards get the same answer: a till learns nothing from the difference.
        throw new ApiError(
          "code_not_found",
          "No live card has this code: it is unknown, expired or replaced.",
        );
      }
      if (result.firstVisit && result.telegramUserId !== null) {
        await recordFirstVisit(deps, result.telegramUserId);
      }
      const body: PosIdentifyResponse = result.response;
      return c.json(body, 200);
    })
    .route("/purchases", purchaseRoutes(group, { db: deps.db, onPointsChanged: deps.onPointsChanged }));
}

/** The funnel's last step. The guest is already identified: a failure here must not cost the till its answer. */
async function recordFirstVisit(deps: { db: Database; logger: Logger }, telegramUserId: number) {
  try {
    await recordSourceEvent(deps.db, telegramUserId, "first_visit");
  } catch (error) {
    deps.logger.warn({ err: error, telegramUserId }, "first visit not recorded in the funnel");
  }
}
