import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { createBot, createBotApi } from "./bot/create-bot";
import { connectBot } from "./bot/run-bot";
import { describeError } from "./bot/update-log";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/client";
import { demoManagerIds } from "./demo/demo-guests";
import { loadOrCreateDemoToken } from "./demo/demo-token";
import { seedDemo } from "./demo/seed-demo";
import { createLogger } from "./logger";
import { createMetrics } from "./observability/metrics";
import { demoTillName, loadOrCreateDemoTillKey } from "./pos/demo-till";
import { createReviewDelivery } from "./reviews/review-delivery";
import { storeLoyaltyDefaults } from "./settings/settings";

/** Composition root: the one place that reads the environment, opens ports and starts workers. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.error(`config: ${problem}`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel, {
    format: config.logFormat,
    secrets: [
      config.botToken,
      config.bot.kind === "webhook" ? config.bot.secret : undefined,
      config.metricsToken,
      ...config.posApiKeys.map((key) => key.secret),
    ],
  });
  const demo = config.botToken === undefined;
  if (demo) config = { ...config, adminTelegramIds: [...config.adminTelegramIds, ...demoManagerIds] };
  // A trial needs no POS_API_KEYS: demo mode brings a till of its own (its key is on /demo).
  if (demo && config.posApiKeys.length === 0) {
    config = {
      ...config,
      posApiKeys: [{ name: demoTillName, secret: loadOrCreateDemoTillKey(config.dataDir) }],
    };
  }

  const database = await openDatabase(config.database);
  await database.migrate();
  // The LOYALTY_* defaults are read by the database functions that close bills (settings/settings.ts).
  await storeLoyaltyDefaults(database.db, config.loyalty);
  if (demo) await seedDemo(database.db);

  // One set of metrics for the app (HTTP) and the bot (updates), served at /metrics.
  const metrics = createMetrics(database.db);

  // The bot learns who it is (getMe) before the server serves a single update.
  const bot = config.bot.kind === "off" ? undefined : createBot({ config, db: database.db, logger, metrics });
  const telegram = bot?.api ?? (config.botToken ? createBotApi(config) : undefined);
  if (bot) {
    try {
      await bot.init();
    } catch (error) {
      logger.error({ error: describeError(error) }, "bot: getMe failed (is BOT_TOKEN right?)");
      await database.close();
      process.exit(1);
    }
  }

  // Reviews and replies go to Telegram through the outbox; started once the server listens.
  const reviewDelivery = createReviewDelivery({ config, db: database.db, logger });

  const app = createApp({
    config,
    database,
    logger,
    demo,
    initDataToken: config.botToken ?? loadOrCreateDemoToken(config.dataDir),
    webRoot: fileURLToPath(new URL("../../web/dist", import.meta.url)),
    telegram,
    bot,
    reviewDelivery,
    metrics,
  });

  let listening: () => void = () => {};
  const listened = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (address) => {
    const origin = `http://localhost:${address.port}`;
    logger.info({ port: address.port, database: database.kind, demo, bot: config.bot.kind }, "listening");
    console.log(`\nGuestcard is running: ${demo ? `${origin}/demo` : origin}\n`);
    listening();
  });
  await listened;
  // Telegram is told where to deliver only once we can take the deliveries.
  const botConnection = bot ? await connectBot({ bot, config, db: database.db, logger }) : undefined;
  await reviewDelivery?.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Stop accepting, let in-flight requests finish, then close the database.
    // The delivery in flight finishes (Telegram's answer is recorded) while requests drain.
    await Promise.all([
      new Promise<void>((resolve) => server.close(() => resolve())),
      reviewDelivery?.stop(),
    ]);
    await botConnection?.stop();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

await main();
