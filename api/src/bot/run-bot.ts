import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Logger } from "../logger";
import { pruneProcessedUpdates } from "../telegram/processed-updates";
import { webhookPath } from "../telegram/webhook";
import { allowedUpdates, type GuestcardBot } from "./create-bot";
import { restaurantTexts } from "./texts";
import { describeError } from "./update-log";

const pruneEveryMs = 6 * 60 * 60 * 1000;

/**
 * Connects the bot to Telegram once the server listens (`bot.init()` must have run before serving):
 * webhook mode registers `PUBLIC_URL/telegram/webhook` with the secret; polling mode starts long
 * polling; with PUBLIC_URL, the chat menu button opens the Mini App. Returns the graceful stop.
 */
export async function connectBot(deps: {
  bot: GuestcardBot;
  config: Config;
  db: Database;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { bot, config, logger } = deps;
  const mode = config.bot;

  const prune = () =>
    pruneProcessedUpdates(deps.db).catch((error: unknown) =>
      logger.warn({ error: describeError(error) }, "could not prune processed updates"),
    );
  await prune();
  const pruning = setInterval(prune, pruneEveryMs);
  pruning.unref();

  let polling: Promise<void> | undefined;
  if (mode.kind === "webhook") {
    try {
      await bot.api.setWebhook(`${mode.publicUrl}${webhookPath}`, {
        secret_token: mode.secret,
        allowed_updates: [...allowedUpdates],
      });
      logger.info({ url: `${mode.publicUrl}${webhookPath}` }, "bot: webhook set");
    } catch (error) {
      logger.error(
        { error: describeError(error) },
        "bot: setWebhook failed, Telegram will not deliver updates",
      );
    }
  } else if (mode.kind === "polling") {
    // bot.start() removes a webhook first (getUpdates refuses to work while one is set).
    polling = bot
      .start({
        allowed_updates: [...allowedUpdates],
        onStart: (me) => logger.info({ username: me.username }, "bot: long polling started"),
      })
      .catch((error: unknown) => logger.error({ error: describeError(error) }, "bot: long polling stopped"));
  }

  if (config.publicUrl) {
    try {
      await bot.api.setChatMenuButton({
        menu_button: {
          type: "web_app",
          text: restaurantTexts.menuButton,
          web_app: { url: `${config.publicUrl}/` },
        },
      });
    } catch (error) {
      logger.error({ error: describeError(error) }, "bot: setChatMenuButton failed");
    }
  }

  return {
    stop: async () => {
      clearInterval(pruning);
      if (polling) {
        await bot.stop();
        await polling;
      }
      await bot.settled();
    },
  };
}
