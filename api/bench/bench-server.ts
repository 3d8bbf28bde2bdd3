// The real app, composed as src/main.ts composes it, plus one route the card bench compares against:
// `GET /bench/baseline?phone=…`, a single indexed select and a JSON answer — the cheapest useful
// request this stack can serve. The bench starts this file as a child process (its own CPU share).
import { serve } from "@hono/node-server";
import { eq } from "drizzle-orm";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { accounts } from "../src/db/schema";
import { createLogger } from "../src/logger";

const config = loadConfig();
if (!config.botToken) throw new Error("The bench server needs BOT_TOKEN (the bench signs initData with it)");
const logger = createLogger(config.logLevel);
const database = await openDatabase(config.database);
await database.migrate();
const app = createApp({ config, database, logger, demo: false, initDataToken: config.botToken });

app.get("/bench/baseline", async (c) => {
  const [account] = await database.db
    .select({ id: accounts.id, firstName: accounts.firstName })
    .from(accounts)
    .where(eq(accounts.phone, c.req.query("phone") ?? ""));
  return c.json({ account: account ?? null }, 200);
});

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
  console.log("bench server listening");
});
process.on("SIGTERM", () => {
  server.close(() => void database.close().then(() => process.exit(0)));
});
