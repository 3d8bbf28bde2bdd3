// `pnpm --filter @guestcard/api bench:start-up`: start-up time and memory of the built server
// (`node dist/main.js`) against the sources through tsx (`node --import tsx src/main.ts`), on the same
// migrated embedded database, alternating runs so the machine's other work weighs on both alike.
// Start-up: spawn → the first 200 from /health. Memory: the process's resident set (VmRSS) once healthy
// and again after 200 requests (/health, /demo, the Mini App's index). Build first: `pnpm build`.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/free-port";

const apiRoot = fileURLToPath(new URL("..", import.meta.url));
const rounds = Number(process.argv[2] ?? 5);
const variants = {
  built: ["dist/main.js"],
  tsx: ["--import", "tsx", "src/main.ts"],
} as const;
type Variant = keyof typeof variants;

if (!existsSync(join(apiRoot, "dist", "main.js"))) throw new Error("Build first: pnpm build");

const rssKb = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)?.[1] ?? Number.NaN);

async function start(variant: Variant, dataDir: string) {
  const port = await freePort();
  const began = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...variants[variant]], {
    cwd: apiRoot,
    env: {
      PATH: process.env.PATH ?? "",
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
    },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${variant} exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, url, ms: performance.now() - began };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("close", resolve));
  child.kill("SIGTERM");
  await exited;
}

// A migrated DATA_DIR with the demo seeded: made once by the built server, copied for every run.
const template = mkdtempSync(join(tmpdir(), "guestcard-start-up-"));
{
  const { child } = await start("built", template);
  await stop(child);
}

const results: Record<Variant, { ms: number; rssStart: number; rssAfter: number }[]> = { built: [], tsx: [] };
for (let round = 0; round < rounds; round++) {
  for (const variant of (round % 2 === 0 ? ["built", "tsx"] : ["tsx", "built"]) as Variant[]) {
    const dataDir = mkdtempSync(join(tmpdir(), "guestcard-start-up-run-"));
    cpSync(template, dataDir, { recursive: true });
    const { child, url, ms } = await start(variant, dataDir);
    const rssStart = rssKb(child.pid ?? 0);
    for (let request = 0; request < 200; request++) {
      await (await fetch(`${url}${["/health", "/demo", "/"][request % 3]}`)).arrayBuffer();
    }
    const rssAfter = rssKb(child.pid ?? 0);
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    results[variant].push({ ms, rssStart, rssAfter });
    console.log(
      `${variant}: ${Math.round(ms)} ms, RSS ${Math.round(rssStart / 1024)} MB → ${Math.round(rssAfter / 1024)} MB`,
    );
  }
}
rmSync(template, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
for (const variant of ["built", "tsx"] as Variant[]) {
  const runs = results[variant];
  console.log(
    `${variant} median of ${runs.length}: start-up ${Math.round(median(runs.map((run) => run.ms)))} ms, ` +
      `RSS ${Math.round(median(runs.map((run) => run.rssStart)) / 1024)} MB at start, ` +
      `${Math.round(median(runs.map((run) => run.rssAfter)) / 1024)} MB after 200 requests`,
  );
}
