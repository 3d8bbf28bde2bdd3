// What the benches share (card-bench.ts for the hot paths, points-bench.ts for the till's points):
// their throwaway databases, the bench server as a child process of its own (its own CPU share), the
// seeding of guests with live cards and of a large guest base, and the statistics.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cardCodeLength, withDammCheckDigit } from "@guestcard/shared";
import { isNull, sql } from "drizzle-orm";
import postgres from "postgres";
import { connectPostgres, type DatabaseConnection, openDatabase } from "../src/db/client";
import { accounts, cards } from "../src/db/schema";
import { freePort } from "../test/free-port";

const apiRoot = fileURLToPath(new URL("..", import.meta.url));

/** The bench server's bot token: the benches sign their guests' initData with it. */
export const benchBotToken = "123456789:FAKE-bench-token-abcdefghijklmnopqrstuvwx";

/** `count` tills, each with a key of its own (`POS_API_KEYS` is made from them). */
export function benchTills(count: number): Array<{ name: string; key: string }> {
  return Array.from({ length: count }, (_, index) => ({
    name: `till-${index + 1}`,
    key: `secret-of-bench-till-${index + 1}`,
  }));
}

// ---- the databases: a throwaway one on the server, and PGlite in a temp directory ----

export interface BenchDatabase {
  label: string;
  environment: Record<string, string>;
  /** For seeding while the server is stopped (PGlite allows one process at a time). */
  open(): Promise<DatabaseConnection>;
  drop(): Promise<void>;
}

/** A database of its own on the PostgreSQL server at `serverUrl`, dropped afterwards. */
export async function postgresBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `guestcard_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const [server] = await admin<{ version: string }[]>`select current_setting('server_version') as version`;
  return {
    label: `PostgreSQL ${server?.version ?? "?"}`,
    environment: { DATABASE_URL: url.toString() },
    open: async () => connectPostgres(url.toString(), { max: 4 }),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export function pgliteBenchDatabase(): BenchDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), "guestcard-bench-"));
  return {
    label: "PGlite",
    environment: { DATA_DIR: dataDir },
    open: () => openDatabase({ kind: "embedded", dataDir }),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

// ---- seeding ----

/** A guest holding a live card, as a till reads it. */
export interface Holder {
  pin: string;
  code: string;
  phone: string;
}

/** PIN prefixes (the check digit aside) already given out: no two live cards may share a PIN. */
const usedPinPrefixes = new Set<number>();
function freshPin(): string {
  for (;;) {
    const prefix = randomInt(100_000);
    if (usedPinPrefixes.has(prefix)) continue;
    usedPinPrefixes.add(prefix);
    return withDammCheckDigit(String(prefix).padStart(5, "0"));
  }
}
const freshCode = () =>
  withDammCheckDigit(Array.from({ length: cardCodeLength - 1 }, () => randomInt(10)).join(""));

/**
 * `count` accounts holding a live card (valid for a day), to be identified at the till; `offset`
 * keeps their phones apart from an earlier call's on the same database.
 */
export async function seedHolders(
  connection: DatabaseConnection,
  count: number,
  offset = 0,
): Promise<Holder[]> {
  // The cards issued by earlier measurements hold their PINs too.
  const live = await connection.db.select({ pin: cards.pin }).from(cards).where(isNull(cards.revokedAt));
  for (const { pin } of live) usedPinPrefixes.add(Number(pin.slice(0, 5)));
  const holders: Holder[] = Array.from({ length: count }, (_, index) => ({
    pin: freshPin(),
    code: freshCode(),
    phone: `+7992${String(offset + index).padStart(7, "0")}`,
  }));
  await inChunks(holders, 1000, async (chunk) => {
    const created = await connection.db
      .insert(accounts)
      .values(
        chunk.map((holder) => ({
          phone: holder.phone,
          lastName: "Держатель",
          firstName: "Гость",
          origin: "import" as const,
        })),
      )
      .returning({ id: accounts.id, phone: accounts.phone });
    const idByPhone = new Map(created.map((row) => [row.phone, row.id]));
    await connection.db.insert(cards).values(
      chunk.map((holder) => ({
        accountId: idByPhone.get(holder.phone) ?? "",
        pin: holder.pin,
        code: holder.code,
        expiresAt: new Date(Date.now() + 24 * 3600_000),
      })),
    );
  });
  return holders;
}

/** A large restaurant's guest base, the fast way; then fresh statistics for the planner. */
export async function seedAccounts(connection: DatabaseConnection, count: number): Promise<void> {
  if (count > 0) {
    await connection.db.execute(sql`
      insert into accounts (phone, last_name, first_name, origin)
      select '+7991' || lpad(n::text, 7, '0'), 'Импортированный', 'Гость ' || n, 'import'
        from generate_series(1, ${count}::integer) as n`);
  }
  await connection.db.execute(sql`analyze`);
}

// ---- statistics ----

export const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)] as T;

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

// ---- the server ----

/** Writes `rows` in chunks of `size`: one statement per chunk, within PostgreSQL's parameter limit. */
export async function inChunks<T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>) {
  for (let start = 0; start < rows.length; start += size) await write(rows.slice(start, start + size));
}

/** Starts bench-server.ts (the app as main.ts composes it) and waits for /health. */
export async function startBenchServer(
  /** The database's settings, `BOT_TOKEN` (the bench signs initData with it) and `POS_API_KEYS`. */
  environment: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "bench/bench-server.ts"], {
    cwd: apiRoot,
    env: {
      PATH: process.env.PATH ?? "",
      ...environment,
      PORT: String(port),
      HOST: "127.0.0.1",
      BOT_MODE: "off",
      CARD_TTL_SECONDS: "3600",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 120_000; ; ) {
    if (child.exitCode !== null) throw new Error(`the bench server exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error("the bench server did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    stop: async () => {
      // autocannon stops without waiting for its last requests: let the server answer them first.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
