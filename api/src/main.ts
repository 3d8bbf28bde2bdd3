import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { createBot, createBotApi } from "./bot/create-bot";
import { connectBot } from "./bot/run-bot";
import { describeError } from "./bot/update-log";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/client";
import { DataDirInUseError } from "./db/data-dir-lock";
import { demoManagerIds } from "./demo/demo-guests";
import { loadOrCreateDemoToken } from "./demo/demo-token";
import { seedDemo } from "./demo/seed-demo";
import { trackRequests } from "./http-drain";
import { createLogger } from "./logger";
import { createDailyStepScheduler } from "./loyalty/daily-step";
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

  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(config.database, config.databaseTimeouts);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    // One line, like a configuration error: the operator's next step is in it.
    console.error(error.message);
    process.exit(1);
  }
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
    logger.info(
      {
        port: address.port,
        database: database.kind,
        demo,
        bot: config.bot.kind,
        // Read back from the server itself: what it really runs with (README, Deploy).
        keepAliveTimeoutMs: server.keepAliveTimeout,
        headersTimeoutMs: server.headersTimeout,
      },
      "listening",
    );
    console.log(`\nGuestcard is running: ${demo ? `${origin}/demo` : origin}\n`);
    listening();
  }) as Server;
  // Longer than the reverse proxy keeps idle connections, so the proxy closes them, not we (README, Deploy).
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  server.headersTimeout = config.http.headersTimeoutMs;
  const requests = trackRequests(server);
  await listened;
  // Telegram is told where to deliver only once we can take the deliveries.
  const botConnection = bot ? await connectBot({ bot, config, db: database.db, logger }) : undefined;
  bot?.replyDelivery.start();
  await reviewDelivery?.start();
  // Birthday points and lapses, once per restaurant day across all processes and restarts.
  const dailyStep = createDailyStepScheduler({
    db: database.db,
    logger,
    utcOffsetMinutes: config.loyaltyDayUtcOffsetMinutes,
  });
  dailyStep.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: requests.inFlight }, "shutting down");
    const deadline = config.http.shutdownTimeoutMs;
    // Stop accepting; answer the requests in flight (with `Connection: close`) and let the deliveries
    // in flight finish — up to the deadline, past which the rest is cut off: a delivery cut off is
    // retried by another process, or by this one after its restart, when its lease ends.
    const [drained, workersStopped] = await Promise.all([
      requests.drain(deadline),
      withinDeadline(
        Promise.all([
          reviewDelivery?.stop(),
          bot?.replyDelivery.stop(),
          botConnection?.stop(),
          dailyStep.stop(),
        ]),
        deadline,
      ),
    ]);
    await database.close();
    logger.info({ cutOff: drained.cutOff, workersStopped }, "stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** true if `work` finished within `ms`; false if the deadline came first (the work is left behind). */
async function withinDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

await main();
