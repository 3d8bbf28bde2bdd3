import type { TelegramUser } from "@guestcard/shared";
import type { User } from "grammy/types";
import type { Database } from "../db/client";
import type { Logger } from "../logger";

/**
 * What every feature composer of the bot is built from. No database handle: a feature reads and
 * writes through its update's transaction, `ctx.db` (update-transaction.ts).
 */
export interface FeatureDeps {
  logger: Logger;
  /** `PUBLIC_URL + "/"`: what the inline `web_app` buttons open; undefined without PUBLIC_URL. */
  miniAppUrl: string | undefined;
  /** The managers' chat (MANAGER_CHAT_ID), for alerts; undefined when not configured. */
  managerChatId: number | undefined;
  /** The restaurant's display name for the bot's texts (a manager setting, read fresh each time). */
  restaurantName(db: Database): Promise<string>;
  /** The Mini App's short name in BotFather (a manager setting): the `<app>` of `t.me/<bot>/<app>` links. */
  miniAppShortName(db: Database): Promise<string>;
}

/** Our shape of the Telegram user who sent an update (the same one initData gives the API). */
export function telegramUserFrom(from: User): TelegramUser {
  return {
    id: from.id,
    firstName: from.first_name,
    lastName: from.last_name ?? null,
    username: from.username ?? null,
    languageCode: from.language_code ?? null,
  };
}
