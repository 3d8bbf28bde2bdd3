import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../../test/free-port";
import { migratedDataDir } from "../../test/server-process";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const run = promisify(execFile);

// The production install: the built API and Mini App with the package files beside them, and only
// the runtime dependencies (`pnpm install --prod`, from the store: no network) — no sources, no
// TypeScript, no tsx, no esbuild. `pnpm start` there must run the build as it is and serve.
describe("the production build under pnpm install --prod (e2e)", () => {
  const install = mkdtempSync(join(tmpdir(), "guestcard-prod-"));
  const dataDir = migratedDataDir("guestcard-prod-data-");
  let child: ChildProcess | undefined;

  afterAll(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    rmSync(install, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("installs without development dependencies, starts with node and answers /health, /demo and the Mini App", async () => {
    expect(existsSync(join(repositoryRoot, "web", "dist", "index.html")), "build web/ first").toBe(true);
    await run(process.execPath, ["scripts/build.mjs", "--api-only", "--out", join(install, "api", "dist")], {
      cwd: repositoryRoot,
    });
    cpSync(join(repositoryRoot, "web", "dist"), join(install, "web", "dist"), { recursive: true });
    for (const file of ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "scripts/start.mjs"]) {
      cpSync(join(repositoryRoot, file), join(install, file));
    }
    cpSync(join(repositoryRoot, "scripts", "build-stamp.mjs"), join(install, "scripts", "build-stamp.mjs"));
    for (const workspace of ["api", "web", "shared"]) {
      mkdirSync(join(install, workspace), { recursive: true });
      cpSync(join(repositoryRoot, workspace, "package.json"), join(install, workspace, "package.json"));
    }
    await run("pnpm", ["install", "--prod", "--offline", "--frozen-lockfile", "--reporter=silent"], {
      cwd: install,
      env: { ...process.env, CI: "true" },
    });
    // Development dependencies are not there, so the running server cannot be using them.
    for (const devOnly of ["tsx", "drizzle-kit", "@playwright/test", "pino-pretty"]) {
      expect(existsSync(join(install, "api", "node_modules", devOnly)), devOnly).toBe(false);
    }
    for (const devOnly of ["esbuild", "vitest", "typescript"]) {
      expect(existsSync(join(install, "node_modules", devOnly)), devOnly).toBe(false);
    }
    expect(existsSync(join(install, "api", "node_modules", "@electric-sql", "pglite"))).toBe(true);

    const port = await freePort();
    let output = "";
    child = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: install,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child?.once("close", resolve));
    const url = `http://127.0.0.1:${port}`;
    await vi.waitFor(
      async () => {
        if (child?.exitCode !== null) throw new Error(`exited:\n${output}`);
        expect((await fetch(`${url}/health`)).status).toBe(200);
      },
      { timeout: 90_000, interval: 200 },
    );
    expect((await fetch(`${url}/demo`)).status).toBe(200);
    const app = await fetch(`${url}/`);
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('<div id="root">');
    expect(output).toContain(`Guestcard is running: http://localhost:${port}/demo`);
    expect(output).not.toContain("Building");
    // JSON logs in production (pino-pretty is a development dependency and is not there anyway).
    expect(output).toMatch(/^\{"level":30,.*"msg":"listening"\}$/m);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 480_000);
});
