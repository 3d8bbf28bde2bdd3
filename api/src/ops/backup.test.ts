import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerDatabase } from "../../test/review-server-kit";
import { migratedDataDir, type ServerProcess, startServer } from "../../test/server-process";
import { onPglite, onPostgres, type RunQuery, tableRows } from "../../test/table-rows";
import type { DatabaseSetting } from "../config";
import { signInitData } from "../demo/launch-url";
import { backup } from "./backup";
import { restore } from "./restore";

const apiRoot = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/** `pnpm backup` as the operator runs it, from the sources (tsx), in its own process. */
async function operatorCommand(args: string[], environment: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/ops/cli.ts", ...args], {
      cwd: apiRoot,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", ...environment },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

// CI's PostgreSQL run backs up with pg_dump into a database of the test's own; otherwise the embedded
// database through the running server's control channel.
const serverUrl = process.env.TEST_DATABASE_URL;
const kind = serverUrl ? "PostgreSQL" : "embedded";

describe(`pnpm backup while requests keep coming, pnpm restore elsewhere (${kind})`, () => {
  const work = mkdtempSync(join(tmpdir(), "guestcard-backup-"));
  const dataDir = migratedDataDir("guestcard-backup-data-");
  const drops: (() => Promise<void>)[] = [];
  let databaseUrl: string | undefined;
  let server: ServerProcess;
  let botToken: string;

  async function newDatabaseUrl(): Promise<string> {
    if (!serverUrl) throw new Error("no PostgreSQL server");
    const database = await createServerDatabase(serverUrl);
    if (!database) throw new Error(`TEST_DATABASE_URL is set but its server does not answer: ${serverUrl}`);
    drops.push(database.drop);
    return database.url;
  }
  /** Where a command puts its database: a DATA_DIR, or a PostgreSQL database. */
  const target = (place: string): Record<string, string> =>
    place.startsWith("postgres") ? { DATABASE_URL: place } : { DATA_DIR: place };
  const setting = (place: string): DatabaseSetting =>
    place.startsWith("postgres") ? { kind: "url", url: place } : { kind: "embedded", dataDir: place };

  beforeAll(async () => {
    if (serverUrl) databaseUrl = await newDatabaseUrl();
    server = await startServer(
      { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
      240_000,
    );
    botToken = readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim();
  }, 300_000);

  afterAll(async () => {
    await server?.stop("SIGTERM");
    for (const drop of drops) await drop();
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A new guest shares a phone, registers and takes a card: three requests, each its own transaction. */
  async function onboard(n: number): Promise<void> {
    const user = { id: 950_000 + n, firstName: `Гость${n}`, lastName: "Бэкапова", languageCode: "ru" };
    const headers = {
      authorization: `tma ${signInitData(user, botToken)}`,
      "content-type": "application/json",
    };
    const steps: [string, unknown, number][] = [
      ["/api/demo/share-phone", { phone: `+7999095${String(n).padStart(4, "0")}` }, 200],
      [
        "/api/registration",
        { lastName: user.lastName, firstName: user.firstName, consents: { personalData: true } },
        201,
      ],
      ["/api/card", undefined, 201],
    ];
    for (const [path, body, status] of steps) {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.status, `${path}: ${await response.text()}`).toBe(status);
    }
  }

  async function rowsOf(place: string): Promise<Record<string, string[]>> {
    if (place.startsWith("postgres")) {
      const sql = postgres(place, { max: 1, onnotice: () => {} });
      try {
        return await tableRows(onPostgres(sql));
      } finally {
        await sql.end();
      }
    }
    const client = await PGlite.create(join(place, "pglite"));
    try {
      return await tableRows(onPglite(client) as RunQuery);
    } finally {
      await client.close();
    }
  }

  const started = Date.now();
  const mark = (what: string) => {
    if (process.env.BACKUP_TEST_TIMINGS)
      console.log(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  };

  it("writes a consistent snapshot under load, refuses a non-empty target, and restores it row for row", async () => {
    for (let n = 0; n < 3; n++) await onboard(n);

    // Requests keep coming, one guest after another, until the backups are taken (bounded: 400 guests).
    const finished: number[] = [];
    let stopTraffic = false;
    const traffic = (async () => {
      for (let n = 100; n < 500 && !stopTraffic; n++) {
        await onboard(n);
        finished.push(n);
      }
    })();
    await expect.poll(() => finished.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    mark("traffic under way");
    const finishedBefore = [...finished];
    const underLoadDir = mkdtempSync(join(work, "under-load-"));
    // In the test's process, as a separate one would: the DATA_DIR lock is per open file, so the
    // backup finds the directory held and asks the server (the command itself runs for the idle one).
    const underLoadPath = await backup(setting(databaseUrl ?? dataDir), underLoadDir);
    mark("backup under load");
    const finishedDuring = finished.length - finishedBefore.length;
    stopTraffic = true;
    await traffic;

    // Idle now, the server still running: a second backup, which must equal the database exactly.
    const idleDir = mkdtempSync(join(work, "idle-"));
    const idle = await operatorCommand(["backup", "--out", idleDir], target(databaseUrl ?? dataDir));
    expect(idle.code, idle.output).toBe(0);
    mark("idle backup");
    const [underLoadFile, idleFile] = [underLoadDir, idleDir].map((dir) => {
      const [name, ...others] = readdirSync(dir);
      expect(others).toEqual([]);
      expect(name).toMatch(
        serverUrl
          ? /^guestcard-postgres-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.dump$/
          : /^guestcard-embedded-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.tar\.gz$/,
      );
      return join(dir, name ?? "");
    });
    expect(underLoadPath).toBe(underLoadFile);
    expect(idle.output).toContain(`Backup written: ${idleFile}`);

    // Restored elsewhere, into an empty DATA_DIR (database): the one under load first, read, then the
    // idle one over it, refused until --force.
    const place = serverUrl ? await newDatabaseUrl() : mkdtempSync(join(work, "restored-"));
    await restore(setting(place), underLoadFile ?? "", false);
    const loaded = await rowsOf(place);
    await expect(restore(setting(place), idleFile ?? "", false)).rejects.toThrow(/already/);
    await restore(setting(place), idleFile ?? "", true);
    mark("restored");

    expect(await server.stop("SIGTERM")).toBe(0);
    const source = await rowsOf(databaseUrl ?? dataDir);

    // The idle backup is the database, every table row for row.
    expect(await rowsOf(place)).toEqual(source);
    mark("compared");

    // The backup taken under load is the database as it stood at one instant: every guest whose
    // requests were all answered before it started is there whole, and every row it holds is in the
    // database now, except rows of the one guest whose requests were under way at that instant (a
    // later request of that guest changed them). Nothing half-written: its foreign keys all hold
    // (PostgreSQL checked them on restore; PGlite replayed its log on start).
    expect(Object.keys(loaded)).toEqual(Object.keys(source));
    const accounts = (loaded["public.accounts"] ?? []).join("\n");
    for (const n of finishedBefore) expect(accounts).toContain(`+7999095${String(n).padStart(4, "0")}`);
    const settled = new Set(Object.values(source).flat());
    const lastBefore = finishedBefore.at(-1) ?? 0;
    // Sequential requests: at the instant of the dump, at most one guest was half-way, one of these.
    const inFlight = Array.from({ length: finishedDuring + 1 }, (_, index) => lastBefore + 1 + index);
    for (const [table, rows] of Object.entries(loaded)) {
      for (const row of rows.filter((row) => !settled.has(row))) {
        const mentions = inFlight.some(
          (n) => row.includes(String(950_000 + n)) || row.includes(`${String(n).padStart(4, "0")}"`),
        );
        expect(mentions, `${table}: ${row}`).toBe(true);
      }
    }
  }, 480_000);
});
