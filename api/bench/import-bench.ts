// Does a guest-base import stall the tills? (issue 16 item 6; docs/decisions/018-resumable-guest-imports.md)
// Starts the real server (`tsx src/main.ts`), gets a live card, and has tills identify it back to back:
// first alone, then while a manager imports a 100,000-row base. Prints identify's latency (p50, p99,
// max) in both phases and how long the import took. The target: p99 under 100 ms during the import.
//
//   pnpm --filter @guestcard/api bench:import                       PGlite in a temporary DATA_DIR
//   DATABASE_URL=postgres://… pnpm --filter @guestcard/api bench:import   a throwaway database on that server
//   … bench:import -- --rows 50000 --tills 2 --baseline-seconds 5
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { signInitData } from "../src/demo/launch-url";
import { freePort } from "../test/free-port";

const { values: options } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    tills: { type: "string", default: "2" },
    "baseline-seconds": { type: "string", default: "5" },
  },
});
const rows = Number(options.rows);
const tills = Number(options.tills);
const baselineMs = Number(options["baseline-seconds"]) * 1000;
const apiRoot = fileURLToPath(new URL("..", import.meta.url));
const posKey = "bench-import-till-secret";
const manager = { id: 66_001, firstName: "Bench", lastName: "Manager", languageCode: "en" };
const guest = { id: 66_002, firstName: "Bench", lastName: "Guest", languageCode: "en" };

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "guestcard-bench-import-"));
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    ADMIN_TELEGRAM_IDS: String(manager.id),
    POS_API_KEYS: `bench-till:${posKey}`,
  };
  let dropDatabase = async () => {};
  if (process.env.DATABASE_URL) {
    const name = `guestcard_bench_import_${randomBytes(4).toString("hex")}`;
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    environment.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: apiRoot,
    env: { ...environment, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(async () => (await fetch(`${url}/health`)).ok, 600_000);
    const token = readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim();
    const as = (user: typeof guest) => ({ authorization: `tma ${signInitData(user, token)}` });
    const post = async (path: string, user: typeof guest, json: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method: "POST",
        headers: { ...as(user), "content-type": "application/json" },
        body: JSON.stringify(json),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    await post("/api/demo/share-phone", guest, { phone: "+79990066002" });
    await post("/api/registration", guest, {
      lastName: guest.lastName,
      firstName: guest.firstName,
      consents: { personalData: true },
    });
    const card = (await post("/api/card", guest, {})) as { pin: string };

    const identify = async () => {
      const started = performance.now();
      const response = await fetch(`${url}/api/pos/identify`, {
        method: "POST",
        headers: { authorization: `Bearer ${posKey}`, "content-type": "application/json" },
        body: JSON.stringify({ code: card.pin }),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`identify: ${response.status}`);
      return performance.now() - started;
    };
    const tillsUntil = async (done: () => boolean) => {
      const latencies: number[] = [];
      await Promise.all(
        Array.from({ length: tills }, async () => {
          while (!done()) latencies.push(await identify());
        }),
      );
      return latencies;
    };

    const baselineEnd = performance.now() + baselineMs;
    const baseline = await tillsUntil(() => performance.now() > baselineEnd);

    const lines = Array.from(
      { length: rows },
      (_, index) => `+7995${String(index).padStart(7, "0")};Гость;${index}`,
    );
    const file = Buffer.from(new TextEncoder().encode(`Телефон;Фамилия;Имя\r\n${lines.join("\r\n")}\r\n`));
    let imported = false;
    const importStarted = performance.now();
    const importing = fetch(`${url}/api/manager/accounts/import`, {
      method: "POST",
      headers: { ...as(manager), "content-type": "text/csv" },
      body: file,
    }).then(async (response) => {
      const body = (await response.json()) as { created: number };
      imported = true;
      return { status: response.status, created: body.created, ms: performance.now() - importStarted };
    });
    const during = await tillsUntil(() => imported);
    const result = await importing;

    console.log(
      `\nguest-base import bench — ${environment.DATABASE_URL ? "PostgreSQL" : "PGlite"}, ${tills} tills`,
    );
    console.log(
      `import: ${rows} rows, HTTP ${result.status}, created ${result.created}, ${(result.ms / 1000).toFixed(1)} s`,
    );
    console.log("identify      requests   p50 ms   p99 ms   max ms");
    for (const [label, latencies] of [
      ["alone", baseline],
      ["during import", during],
    ] as const) {
      console.log(
        `${label.padEnd(14)}${String(latencies.length).padStart(8)}${percentile(latencies, 0.5).padStart(9)}${percentile(latencies, 0.99).padStart(9)}${percentile(latencies, 1).padStart(9)}`,
      );
    }
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("close", resolve));
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function percentile(values: number[], p: number): string {
  if (values.length === 0) return "—";
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!.toFixed(1);
}

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

await main();
