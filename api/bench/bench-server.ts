// The real app, composed as src/main.ts composes it, for the card bench (card-bench.ts), which starts
// this file as a child process (its own CPU share) and compares every route with `GET /health` on the
// same server. One extra route, `GET /bench/cards`, tells the bench after a burst whether the card
// promises held: no PIN or code shared by two live cards, at most one live card per account.
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openDatabase, selectRows } from "../src/db/client";
import { createLogger } from "../src/logger";

const config = loadConfig();
if (!config.botToken) throw new Error("The bench server needs BOT_TOKEN (the bench signs initData with it)");
const logger = createLogger(config.logLevel);
const database = await openDatabase(config.database);
await database.migrate();
const app = createApp({ config, database, logger, demo: false, initDataToken: config.botToken });

app.get("/bench/cards", async (c) => {
  const [row] = await selectRows<Record<string, number>>(
    database.db,
    sql`select count(*)::int as live,
               (count(*) - count(distinct pin))::int as shared_pins,
               (count(*) - count(distinct code))::int as shared_codes,
               (count(*) - count(distinct account_id))::int as second_cards
          from cards where revoked_at is null and expires_at > now()`,
  );
  return c.json(row ?? {}, 200);
});

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
  console.log("bench server listening");
}) as Server;
process.on("SIGTERM", () => {
  server.close(() => void database.close().then(() => process.exit(0)));
  // Keep-alive connections of the burst's clients would hold close() open.
  server.closeAllConnections();
});
