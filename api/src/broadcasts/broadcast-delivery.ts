import { Api } from "grammy";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Logger } from "../logger";
import { type BroadcastSenderTiming, createBroadcastSender } from "./broadcast-sender";

/** A Telegram call that hangs longer than this fails and is retried. */
const longestTelegramCallSeconds = 30;

/**
 * The broadcast sender of this process; undefined in demo mode (no Telegram). Its Api has no
 * auto-retry: the sender paces, waits out 429s and backs off itself (broadcast-sender.ts).
 */
export function createBroadcastDelivery(deps: {
  config: Config;
  db: Database;
  logger: Logger;
  timing?: Partial<BroadcastSenderTiming>;
}) {
  const { config } = deps;
  if (!config.botToken) return undefined;
  // A call always ends before the recipient's lease does, so a slow "ok" never lets another process
  // take the recipient over and send again (60 s leases in production: 30 s calls).
  const timeoutSeconds = Math.min(
    longestTelegramCallSeconds,
    Math.max(1, (config.delivery.leaseMs - 500) / 1000),
  );
  const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds });
  return createBroadcastSender({
    db: deps.db,
    api,
    logger: deps.logger,
    miniAppUrl: config.publicUrl ? `${config.publicUrl}/` : undefined,
    messagesPerSecond: config.broadcastMessagesPerSecond,
    timing: {
      pollIntervalMs: config.delivery.pollIntervalMs,
      leaseMs: config.delivery.leaseMs,
      backoffBaseMs: config.delivery.backoffBaseMs,
      ...deps.timing,
    },
  });
}
