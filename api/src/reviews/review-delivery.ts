import { Api } from "grammy";
import { birthdayGreetingHandlers } from "../broadcasts/birthday-greeting";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Logger } from "../logger";
import { pointsMessageHandlers } from "../loyalty/points-message";
import { createOutboxWorker, retryRefusedJobsNow } from "../outbox/outbox-worker";
import { reviewDeliveryHandlers } from "./delivery-handlers";
import { countUndeliveredReviews } from "./reviews";

/** A Telegram call that hangs longer than this fails and is retried: shutdown never waits minutes. */
const telegramTimeoutSeconds = 30;

export type ReviewDelivery = NonNullable<ReturnType<typeof createReviewDelivery>>;

/**
 * The worker that carries reviews to the managers' chat and replies back to guests; undefined in
 * demo mode (no Telegram: reviews are stored and shown on /demo/managers-chat).
 * It talks to Telegram through an `Api` of its own, without the bot's auto-retry: the outbox
 * waits out 429s and backs off from 5xx by rescheduling the job, instead of holding its lease
 * while a call sleeps, and paces sends to the group across all server processes.
 */
export function createReviewDelivery(deps: { config: Config; db: Database; logger: Logger }) {
  const { config, db, logger } = deps;
  if (!config.botToken) return undefined;
  const api = new Api(config.botToken, {
    apiRoot: config.telegramApiRoot,
    timeoutSeconds: telegramTimeoutSeconds,
  });
  const worker = createOutboxWorker({
    db,
    logger,
    handlers: {
      ...reviewDeliveryHandlers({
        db,
        api,
        pacing: config.delivery.groupPacing,
        managerChatId: config.managerChatId,
        settingsDefaults: config,
      }),
      // The guests' messages about their points ride the same durable delivery (docs/api.md, Guarantees).
      ...pointsMessageHandlers({ db, api, pacing: config.delivery.groupPacing }),
      // The birthday greeting the daily step leaves (migration 0008), likewise.
      ...birthdayGreetingHandlers({ db, api, settingsDefaults: config }),
    },
    timing: {
      pollIntervalMs: config.delivery.pollIntervalMs,
      leaseMs: config.delivery.leaseMs,
      backoffBaseMs: config.delivery.backoffBaseMs,
    },
  });
  return {
    async start() {
      if (config.managerChatId === undefined) {
        const waiting = await countUndeliveredReviews(db);
        logger.warn({ waiting }, "MANAGER_CHAT_ID is not set: reviews are stored and wait until it is");
      }
      const retried = await retryRefusedJobsNow(db, worker.kinds);
      if (retried > 0)
        logger.info({ retried }, "outbox: retrying deliveries Telegram refused before the restart");
      worker.start();
    },
    wake: () => worker.wake(),
    /** Stops claiming and waits for the delivery in flight to finish. */
    stop: () => worker.stop(),
  };
}
