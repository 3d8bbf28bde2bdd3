import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/client";
import { demoManagerIds } from "./demo/demo-guests";
import { loadOrCreateDemoToken } from "./demo/demo-token";
import { seedDemo } from "./demo/seed-demo";
import { createLogger } from "./logger";

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
  const logger = createLogger(config.logLevel);
  const demo = config.botToken === undefined;
  if (demo) config = { ...config, adminTelegramIds: [...config.adminTelegramIds, ...demoManagerIds] };

  const database = await openDatabase(config.database);
  await database.migrate();
  if (demo) await seedDemo(database.db);

  const app = createApp({
    config,
    database,
    logger,
    demo,
    initDataToken: config.botToken ?? loadOrCreateDemoToken(config.dataDir),
    webRoot: fileURLToPath(new URL("../../web/dist", import.meta.url)),
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (address) => {
    const origin = `http://localhost:${address.port}`;
    logger.info({ port: address.port, database: database.kind, demo }, "listening");
    console.log(`\nGuestcard is running: ${demo ? `${origin}/demo` : origin}\n`);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Stop accepting, let in-flight requests finish, then close the database.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

await main();
