import type { UserFromGetMe } from "grammy/types";
import { ApiError } from "../errors";
import type { Logger } from "../logger";

/** The bot's @username: what every `t.me/<bot>` link and QR code is made of. */
export interface BotIdentity {
  username(): Promise<string>;
}

/** In demo mode there is no bot; links name this one so that they look and decode like real ones. */
export const demoBotUsername = "guestcard_demo_bot";

/**
 * Asks Telegram once (`getMe`) and remembers the answer for the life of the process: a bot's username
 * only changes through BotFather, and a restart picks that up. A failed call is not remembered.
 */
export function createBotIdentity(options: {
  demo: boolean;
  telegram?: { getMe(): Promise<UserFromGetMe> } | undefined;
  logger?: Logger;
}): BotIdentity {
  let known: Promise<string> | undefined;
  return {
    username: async () => {
      if (options.demo) return demoBotUsername;
      const telegram = options.telegram;
      if (!telegram)
        throw new ApiError("unavailable", "The bot is not configured, so there are no links yet.");
      known ??= telegram.getMe().then((me) => me.username);
      try {
        return await known;
      } catch (error) {
        known = undefined;
        options.logger?.warn({ err: error }, "getMe failed");
        throw new ApiError(
          "unavailable",
          "Telegram did not tell us the bot's username; try again in a minute.",
        );
      }
    },
  };
}
