import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";
import { freePort } from "./free-port";
import { migratedDatabases } from "./migrated-databases";

const apiRoot = fileURLToPath(new URL("..", import.meta.url));

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the server printed, for assertions (e.g. that no phone number was logged). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * A new DATA_DIR (a temporary folder; the test removes it) holding the run's migrated embedded
 * database, where `pnpm start` keeps it (DATA_DIR/pglite). A server started on it finds its migrations
 * applied and skips creating a database and migrating it: seconds of CPU per start. The first start
 * on an empty DATA_DIR keeps its own test (api/test/server.test.ts).
 */
export function migratedDataDir(prefix: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dataDir, "pglite"));
  // The tarball's paths start with "/"; tar strips it (and says so on stderr).
  execFileSync("tar", ["-xf", migratedDatabases().pgliteTarball, "-C", join(dataDir, "pglite")], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  return dataDir;
}

/**
 * Starts the real server (`tsx src/main.ts`, as `pnpm start` does) and waits until /health answers.
 * The limit is generous: on a busy two-core machine a start (tsx, PGlite, migrations) takes a while,
 * and waiting costs nothing once the server is up.
 */
export async function startServer(
  environment: Record<string, string>,
  timeoutMs = 90_000,
): Promise<ServerProcess> {
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: apiRoot,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...environment,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  // "close", not "exit": by then the output is complete too.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const healthy = await vi
    .waitFor(
      async () => {
        // Exited while starting: stop waiting, and fail below with what it printed.
        if (child.exitCode !== null || child.signalCode !== null) return false;
        const response = await fetch(`${url}/health`);
        if (!response.ok) throw new Error(`/health answered ${response.status}`);
        return true;
      },
      { timeout: timeoutMs, interval: 100 },
    )
    .catch(() => false);
  if (!healthy) {
    const running = child.exitCode === null && child.signalCode === null;
    if (running) child.kill("SIGKILL");
    const code = await exited;
    throw new Error(
      running
        ? `The server did not become healthy in ${timeoutMs} ms:\n${output}`
        : `The server exited with ${code}:\n${output}`,
    );
  }
  return {
    url,
    port,
    child,
    output: () => output,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
