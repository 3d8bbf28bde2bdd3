import { sql } from "drizzle-orm";
import type { Api } from "grammy";
import { type Database, selectRows } from "../db/client";
import type { OutboxHandler } from "../outbox/outbox";
import type { SettingsDefaults } from "../settings/settings";
import { readSettings } from "../settings/settings";
import { broadcastKeyboard, broadcastTextsFor } from "./broadcast-texts";

/**
 * The outbox job the birthday step leaves for a guest (migration 0008, `guestcard_loyalty_birthdays`),
 * written in the transaction that credits the birthday points, once per guest and year.
 */
export const birthdayGreetingJobKind = "birthday-greeting";

/**
 * Sends the greeting to the guest's private chat: plain text, with the Unsubscribe button (it is a
 * marketing message). Rides the review outbox's worker (api/src/reviews/review-delivery.ts): a
 * Telegram failure delays it, never loses it; its message id is saved the moment Telegram accepts it,
 * so a retry does not send it twice. A guest who withdrew consent or deleted their data meanwhile,
 * or who blocked the bot (403), is not greeted.
 */
export function birthdayGreetingHandlers(deps: {
  db: Database;
  api: Api;
  settingsDefaults: SettingsDefaults;
}): Record<string, OutboxHandler> {
  return {
    [birthdayGreetingJobKind]: async (job, context) => {
      if (typeof job.progress?.messageId === "number") return { result: job.progress };
      const accountId = String(job.payload.accountId);
      const points = Number(job.payload.points ?? 0);
      const [guest] = await selectRows<{
        chat_id: number | string;
        language_code: string | null;
        first_name: string;
      }>(
        deps.db,
        sql`select tu.id as chat_id, tu.language_code, a.first_name
              from accounts a join telegram_users tu on tu.account_id = a.id
             where a.id = ${accountId}::uuid and tu.private_chat_at is not null
               and coalesce((select c.granted from consents c
                              where c.account_id = a.id and c.kind = 'marketing'
                              order by c.recorded_at desc, c.id desc limit 1), false)`,
      );
      if (!guest) return { result: { skipped: "guest not reachable" } };
      const chatId = Number(guest.chat_id);
      const texts = broadcastTextsFor(guest.language_code);
      const { restaurantName } = await readSettings(deps.db, deps.settingsDefaults);
      try {
        const message = await deps.api.sendMessage(
          chatId,
          texts.birthdayGreeting(guest.first_name, restaurantName, Number.isSafeInteger(points) ? points : 0),
          { reply_markup: broadcastKeyboard(texts, { openAppButton: false, miniAppUrl: undefined }) },
        );
        const progress = { chatId, messageId: message.message_id };
        await context.saveProgress(progress);
        return { result: progress };
      } catch (error) {
        if ((error as { error_code?: number }).error_code === 403) {
          return { result: { chatId, refused: "blocked" } };
        }
        throw error;
      }
    },
  };
}
