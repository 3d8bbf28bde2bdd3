import { autoRetry } from "@grammyjs/auto-retry";
import { Api, Bot, Composer } from "grammy";
import { broadcastConsentFeature } from "../broadcasts/unsubscribe";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Logger } from "../logger";
import { addToLogContext, runWithLogContext } from "../observability/log-context";
import type { UpdateResult } from "../observability/metrics";
import { createOutboxWorker } from "../outbox/outbox-worker";
import { readSettings } from "../settings/settings";
import { botMessagesHandler, botMessagesKind } from "./bot-messages";
import { contactFeature } from "./contact";
import { fallbackFeature } from "./fallback";
import type { FeatureDeps } from "./feature-deps";
import { managerChatMembersFeature, managerChatUpdates } from "./manager-chat-members";
import { reviewRepliesFeature } from "./review-replies";
import { startFeature } from "./start";
import { describeError, describeUpdate } from "./update-log";
import { type BotContext, updateTransaction } from "./update-transaction";

export interface BotDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Counts updates handled, failed and skipped as re-deliveries (`/metrics`). */
  metrics?: { countUpdate(result: UpdateResult): void };
  /** The bot was added to the managers' chat (again): refresh its members (main.ts). */
  onManagerChatBotAdded?: () => void;
}

/** The update kinds the bot asks Telegram for, in polling and webhook mode alike. */
export const allowedUpdates = ["message", "callback_query", ...managerChatUpdates] as const;

/**
 * 429s are retried after `retry_after`, 5xx and network errors a few times; a wait longer than this
 * fails the call instead, so no webhook request or API call hangs for minutes.
 */
const retryOptions = { maxRetryAttempts: 3, maxDelaySeconds: 30 };

/** A Bot API call for one of the bot's messages that hangs longer than this fails and is retried. */
const messageTimeoutSeconds = 30;

/** The Bot API client with auto-retry, for code that talks to Telegram without the bot (workers, checks). */
export function createBotApi(config: Pick<Config, "botToken" | "telegramApiRoot">): Api {
  if (!config.botToken) throw new Error("createBotApi needs BOT_TOKEN");
  const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
  api.config.use(autoRetry(retryOptions));
  return api;
}

/**
 * The grammY bot. Each update runs in one database transaction that records its `update_id` with
 * the features' writes and the outbox jobs of its messages (update-transaction.ts); the messages are
 * sent right after the commit, and by `replyDelivery`'s worker should that fail or the process die.
 * `bot.api` carries auto-retry and is what the rest of the server uses to talk to Telegram.
 */
export function createBot(deps: BotDeps) {
  if (!deps.config.botToken) throw new Error("createBot needs BOT_TOKEN");
  const bot = new Bot<BotContext>(deps.config.botToken, { client: { apiRoot: deps.config.telegramApiRoot } });
  bot.api.config.use(autoRetry(retryOptions));

  // The bot's own messages, through the outbox. A short 429 is waited out in the call (a guest is
  // waiting for the reply); 5xx and network errors fail the attempt at once, and the outbox retries
  // it with its backoff instead of a call that hangs on (and holds up a graceful stop).
  const messagesApi = new Api(deps.config.botToken, {
    apiRoot: deps.config.telegramApiRoot,
    timeoutSeconds: messageTimeoutSeconds,
  });
  messagesApi.config.use(
    autoRetry({ ...retryOptions, rethrowInternalServerErrors: true, rethrowHttpErrors: true }),
  );
  const replyDelivery = createOutboxWorker({
    db: deps.db,
    logger: deps.logger,
    handlers: {
      [botMessagesKind]: botMessagesHandler({
        db: deps.db,
        api: messagesApi,
        pacing: deps.config.delivery.groupPacing,
        logger: deps.logger,
      }),
    },
    timing: {
      pollIntervalMs: deps.config.delivery.pollIntervalMs,
      leaseMs: deps.config.delivery.leaseMs,
      backoffBaseMs: deps.config.delivery.backoffBaseMs,
    },
  });

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

  bot.use(async (ctx, next) => {
    if (Number.isSafeInteger(ctx.update.update_id)) return next();
    deps.logger.warn(describeUpdate(ctx.update), "update without a valid update_id ignored");
  });

  const featureDeps: FeatureDeps = {
    logger: deps.logger,
    miniAppUrl: deps.config.publicUrl ? `${deps.config.publicUrl}/` : undefined,
    managerChatId: deps.config.managerChatId,
    restaurantName: async (db) => (await readSettings(db, deps.config)).restaurantName,
    miniAppShortName: async (db) => (await readSettings(db, deps.config)).miniAppShortName,
  };
  // One composer per feature, each in a file of its own and filtered to the chats it serves.
  const features = new Composer<BotContext>(
    // First: it notes who is in the managers' chat, then lets every message on.
    managerChatMembersFeature({ ...featureDeps, onBotAdded: deps.onManagerChatBotAdded }),
    // Then: it notes every private chat once the others have run, and owns /stop and Unsubscribe.
    broadcastConsentFeature(featureDeps),
    startFeature(featureDeps),
    contactFeature(featureDeps),
    // The managers' replies to reviews (and the guests' answers) go here: before the fallback,
    // which answers every private text nobody else handled.
    reviewRepliesFeature(featureDeps),
    fallbackFeature(featureDeps),
  );

  bot.use(
    updateTransaction({
      db: deps.db,
      features: features.middleware(),
      logger: deps.logger,
      metrics: deps.metrics,
      deliverNow: (jobIds) => replyDelivery.runJobsNow(jobIds),
      // bot.isRunning() is true only while long polling (bot.start()), never behind the webhook.
      retryWhileUnavailable: () => bot.isRunning(),
    }),
  );

  // Reached only in polling mode, when the bot stops while an update waits for the database: that
  // update is given up (behind the webhook, the error answers 5xx and Telegram delivers it again).
  bot.catch((error) => {
    deps.logger.error(
      { update: describeUpdate(error.ctx.update), error: describeError(error) },
      "update not processed",
    );
  });

  return Object.assign(bot, {
    /** Delivers the bot's messages that could not go out right after their update (start/stop it). */
    replyDelivery,
    /** Resolves once every update that is being handled now has been handled. */
    settled: async () => {
      await Promise.allSettled([...inFlight]);
    },
  });
}

export type GuestcardBot = ReturnType<typeof createBot>;
