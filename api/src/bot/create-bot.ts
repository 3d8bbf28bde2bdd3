import { autoRetry } from "@grammyjs/auto-retry";
import { Api, Bot } from "grammy";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Logger } from "../logger";
import { addToLogContext, runWithLogContext } from "../observability/log-context";
import type { UpdateResult } from "../observability/metrics";
import { readSettings } from "../settings/settings";
import { claimUpdate } from "../telegram/processed-updates";
import { contactFeature } from "./contact";
import { fallbackFeature } from "./fallback";
import type { FeatureDeps } from "./feature-deps";
import { reviewRepliesFeature } from "./review-replies";
import { startFeature } from "./start";
import { describeError, describeUpdate } from "./update-log";

export interface BotDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Counts updates handled, failed and skipped as re-deliveries (`/metrics`). */
  metrics?: { countUpdate(result: UpdateResult): void };
}

/** The update kinds the bot asks Telegram for, in polling and webhook mode alike. */
export const allowedUpdates = ["message"] as const;

/**
 * 429s are retried after `retry_after`, 5xx and network errors a few times; a wait longer than this
 * fails the call instead, so no webhook request or API call hangs for minutes.
 */
const retryOptions = { maxRetryAttempts: 3, maxDelaySeconds: 30 };

/** The Bot API client with auto-retry, for code that talks to Telegram without the bot (workers, checks). */
export function createBotApi(config: Pick<Config, "botToken" | "telegramApiRoot">): Api {
  if (!config.botToken) throw new Error("createBotApi needs BOT_TOKEN");
  const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
  api.config.use(autoRetry(retryOptions));
  return api;
}

/**
 * The grammY bot: every update is claimed by its `update_id` first (a re-delivery does nothing), then
 * the features run inside an error boundary, so a failing update is logged and the next one handled.
 * `bot.api` carries auto-retry and is what the rest of the server uses to talk to Telegram.
 */
export function createBot(deps: BotDeps) {
  if (!deps.config.botToken) throw new Error("createBot needs BOT_TOKEN");
  const bot = new Bot(deps.config.botToken, { client: { apiRoot: deps.config.telegramApiRoot } });
  bot.api.config.use(autoRetry(retryOptions));

  // Updates still being handled, so a graceful stop can wait for them (a webhook request may have
  // been answered already when its handling outlives the response timeout).
  const inFlight = new Set<Promise<void>>();
  bot.use(async (ctx, next) => {
    // Every log line about this update names it; in webhook mode the request's own line does too.
    const updateId = ctx.update.update_id;
    addToLogContext({ updateId });
    const handling = runWithLogContext({ updateId }, next);
    inFlight.add(handling);
    try {
      await handling;
    } finally {
      inFlight.delete(handling);
    }
  });

  // Updates whose feature threw (the error boundary logs and swallows it), for the metrics.
  const failedUpdates = new WeakSet<object>();

  bot.use(async (ctx, next) => {
    const updateId = ctx.update.update_id;
    if (!Number.isSafeInteger(updateId)) {
      deps.logger.warn(describeUpdate(ctx.update), "update without a valid update_id ignored");
      return;
    }
    // A database failure here propagates: the webhook answers 500 and Telegram delivers again later.
    if (!(await claimUpdate(deps.db, updateId))) {
      deps.metrics?.countUpdate("duplicate");
      deps.logger.info({ updateId }, "update already processed, ignored");
      return;
    }
    await next();
    deps.metrics?.countUpdate(failedUpdates.has(ctx.update) ? "failed" : "handled");
  });

  const featureDeps: FeatureDeps = {
    db: deps.db,
    logger: deps.logger,
    miniAppUrl: deps.config.publicUrl ? `${deps.config.publicUrl}/` : undefined,
    managerChatId: deps.config.managerChatId,
    restaurantName: async () => (await readSettings(deps.db, deps.config)).restaurantName,
  };
  bot
    .errorBoundary((error) => {
      failedUpdates.add(error.ctx.update);
      deps.logger.error(
        { update: describeUpdate(error.ctx.update), error: describeError(error) },
        "update failed",
      );
    })
    // One composer per feature, each in a file of its own and filtered to the chats it serves.
    .use(
      startFeature(featureDeps),
      contactFeature(featureDeps),
      // The managers' replies to reviews (and the guests' answers) go here: before the fallback,
      // which answers every private text nobody else handled.
      reviewRepliesFeature(featureDeps),
      fallbackFeature(featureDeps),
    );

  // Polling reaches here only when claiming failed (the database is down): log it and go on.
  bot.catch((error) => {
    deps.logger.error(
      { update: describeUpdate(error.ctx.update), error: describeError(error) },
      "update not processed",
    );
  });

  return Object.assign(bot, {
    /** Resolves once every update that is being handled now has been handled. */
    settled: async () => {
      await Promise.allSettled([...inFlight]);
    },
  });
}

export type GuestcardBot = ReturnType<typeof createBot>;
