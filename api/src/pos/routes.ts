import {
  type PosIdentifyRequest,
  type PosIdentifyResponse,
  type PosTerminalResponse,
  posIdentifyRequestSchema,
  readCardCode,
} from "@guestcard/shared";
import { Hono, type MiddlewareHandler } from "hono";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import { jsonBodyLimitBytes, parseOrThrow, readBodyText } from "../http/validation";
import type { Logger } from "../logger";
import { recordSourceEvent } from "../sources/attribution";
import { identifyAtTill, type TillInput } from "./identify";
import { type PosVariables, posAuth } from "./pos-auth";

/**
 * Declares the JSON body for `hc<AppType>` clients without reading it: the handler reads it itself,
 * after the rate limit, because a validator would answer 400 before a blocked terminal's 429.
 */
const declaresJsonBody: MiddlewareHandler<object, string, { in: { json: PosIdentifyRequest } }> = (
  _c,
  next,
) => next();

const invalidCodeMessages = {
  not_digits: "A card code has digits only.",
  wrong_length: "A PIN has 6 digits and a QR code 18.",
  check_digit: "The check digit does not match: a digit was misheard or mistyped.",
} as const;

/**
 * `POST /api/pos/identify` (CONTRACT.md). The body is read before the rate limit is checked but
 * its errors are answered after it, so a blocked terminal gets 429 whatever it sends — the
 * contract's order: 401 → 429 → 413/400 → 422 → 404.
 */
export function posRoutes(deps: { db: Database; config: Config; logger: Logger }) {
  const terminalAuth = posAuth(deps.config.posApiKeys);
  return (
    new Hono<{ Variables: PosVariables }>()
      // Lets the cashier page check a key when staff enter it, without spending an identification.
      .get("/terminal", terminalAuth, (c) => {
        const body: PosTerminalResponse = { terminal: c.get("terminal") };
        return c.json(body, 200);
      })
      .post("/identify", posAuth(deps.config.posApiKeys), declaresJsonBody, async (c) => {
        const terminal = c.get("terminal");
        let bodyError: ApiError | undefined;
        let input: TillInput = { kind: "unreadable" };
        try {
          const body = await readJson(c.req.raw);
          const { code } = parseOrThrow(posIdentifyRequestSchema, body);
          input = readCardCode(code);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          bodyError = error;
          // A body without a usable `code` is answered 422 like a bad code, so it counts as a miss too.
          if (error.code === "validation_failed") input = { kind: "invalid", reason: "not_digits" };
        }

        const result = await identifyAtTill(deps.db, terminal, input);
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
  );
}

/** The funnel's last step. The guest is already identified: a failure here must not cost the till its answer. */
async function recordFirstVisit(deps: { db: Database; logger: Logger }, telegramUserId: number) {
  try {
    await recordSourceEvent(deps.db, telegramUserId, "first_visit");
  } catch (error) {
    deps.logger.warn({ err: error, telegramUserId }, "first visit not recorded in the funnel");
  }
}

async function readJson(request: Request): Promise<unknown> {
  const text = await readBodyText(request, jsonBodyLimitBytes);
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new ApiError("bad_request", "Send the body as JSON with `Content-Type: application/json`.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "The body is not valid JSON.");
  }
}
