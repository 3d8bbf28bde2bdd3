// What the benches share (card-bench.ts for the hot paths, points-bench.ts for the till's points):
// the bench server as a child process of its own (its own CPU share), and chunked seeding.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/free-port";

const apiRoot = fileURLToPath(new URL("..", import.meta.url));

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
