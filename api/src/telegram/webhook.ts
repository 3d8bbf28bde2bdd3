import { timingSafeEqual } from "node:crypto";
import { type Bot, BotError, webhookCallback } from "grammy";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { describeError, describeUpdate } from "../bot/update-log";
import type { BotContext } from "../bot/update-transaction";
import { isDatabaseUnavailable } from "../db/database-failure";
import { ApiError } from "../errors";
import type { Logger } from "../logger";

/** Where Telegram delivers updates in webhook mode: `PUBLIC_URL + webhookPath`. */
export const webhookPath = "/telegram/webhook";

/** Telegram's header carrying the `secret_token` given to setWebhook. */
export const secretHeader = "X-Telegram-Bot-Api-Secret-Token";

/** An update is a few kilobytes at most (a 4,096-character text and its entities). */
const maxUpdateBytes = 1024 * 1024;

/**
 * Handling longer than this answers Telegram 200 while the update goes on in the background:
 * Telegram would otherwise time out and re-send it (the re-sent copy would be ignored anyway).
 */
const answerWithinMs = 8_000;

/**
 * `POST /telegram/webhook`. Checks, in order: the secret header (401, before reading the body),
 * the body's size (413) and that it is an update (400); then hands it to grammY's webhook adapter,
 * which checks the secret once more and runs the bot. A re-sent `update_id` is ignored by the bot
 * once the first delivery committed (bot/update-transaction.ts).
 */
export function telegramWebhookRoutes(deps: { bot: Bot<BotContext>; secret: string; logger: Logger }) {
  const handleUpdate = webhookCallback(deps.bot, "hono", {
    secretToken: deps.secret,
    onTimeout: "return",
    timeoutMilliseconds: answerWithinMs,
  });
  const expected = Buffer.from(deps.secret);

  return new Hono().post(
    "/webhook",
    async (c, next) => {
      const given = Buffer.from(c.req.header(secretHeader) ?? "");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ApiError("unauthorized", `Missing or wrong ${secretHeader} header.`);
      }
      await next();
    },
    bodyLimit({
      maxSize: maxUpdateBytes,
      onError: () => {
        throw new ApiError("payload_too_large", "An update is never this large.");
      },
    }),
    async (c) => {
      const update: unknown = await c.req.json().catch(() => undefined);
      const updateId = (update as { update_id?: unknown } | undefined)?.update_id;
      if (typeof update !== "object" || update === null || !Number.isSafeInteger(updateId)) {
        throw new ApiError("bad_request", "The body is not a Telegram update.");
      }
      try {
        return await handleUpdate(c);
      } catch (error) {
        // Nothing of the update was committed (the bot records it with its effects, or records a
        // failed one on its own): answer 5xx so that Telegram delivers it again.
        const cause = error instanceof BotError ? error.error : error;
        deps.logger.error(
          {
            update: describeUpdate(error instanceof BotError ? error.ctx.update : undefined),
            error: describeError(cause),
          },
          "webhook update not processed",
        );
        if (isDatabaseUnavailable(cause)) {
          throw new ApiError(
            "unavailable",
            "The database is not answering; Telegram will retry.",
            undefined,
            {
              "retry-after": "5",
            },
          );
        }
        throw new ApiError("internal_error", "The update could not be processed; Telegram will retry.");
      }
    },
  );
}
