import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../../test/server-process";
import { testBotToken } from "../../test/test-app";
import { openDatabase } from "./client";
import { DataDirInUseError } from "./data-dir-lock";

const apiRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Real server processes start here; a bot token with the bot off skips the demo's seeding. */
const serverTimeoutMs = 120_000;
const environment = (dataDir: string) => ({ DATA_DIR: dataDir, BOT_TOKEN: testBotToken, BOT_MODE: "off" });

/** Runs `src/main.ts` as `pnpm start` does and waits for it to exit (a start that must be refused). */
function runUntilExit(environment: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: apiRoot,
      env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...environment },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("one process per DATA_DIR (the embedded database)", () => {
  let dataDir: string;
  const servers: ServerProcess[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "guestcard-lock-"));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a second open of the same directory until the first is closed", async () => {
    const first = await openDatabase({ kind: "embedded", dataDir });
    try {
      const second = openDatabase({ kind: "embedded", dataDir });
      await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(second).rejects.toMatchObject({ pid: process.pid });
    } finally {
      await first.close();
    }
    const again = await openDatabase({ kind: "embedded", dataDir });
    expect(await again.ping()).toBe(true);
    await again.close();
  });

  it(
    "a second server on the same DATA_DIR refuses to start with one line; the first goes on",
    async () => {
      const first = await startServer(environment(dataDir));
      servers.push(first);

      const second = await runUntilExit(environment(dataDir));

      expect(second.code, second.output).toBe(1);
      const lines = second.output.split("\n").filter((line) => line.trim() !== "");
      expect(lines).toEqual([
        `DATA_DIR ${dataDir} is in use by process ${first.child.pid}; use DATABASE_URL for several instances`,
      ]);
      expect((await fetch(`${first.url}/health`)).status).toBe(200);
    },
    serverTimeoutMs,
  );

  it(
    "the lock dies with its process: after a SIGKILL the next server starts at once",
    async () => {
      const first = await startServer(environment(dataDir));
      servers.push(first);
      expect(await first.stop("SIGKILL")).toBeNull();

      const next = await startServer(environment(dataDir));
      servers.push(next);
      expect((await fetch(`${next.url}/health`)).status).toBe(200);
    },
    serverTimeoutMs,
  );
});
