// `pnpm build`: the Mini App (Vite, into web/dist) and the API compiled to JavaScript (esbuild, into
// api/dist), with the build stamp that tells `pnpm start` the build is current.
//   node scripts/build.mjs              both
//   node scripts/build.mjs --api-only   the API alone (web/dist as it is)
//   node scripts/build.mjs --out DIR    the API into DIR instead of api/dist (no stamp: tests use it)
// The workspace package @guestcard/shared is bundled in (its package points at TypeScript sources);
// every other package stays in node_modules, so `pnpm install --prod` brings exactly what runs.
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { apiDist, computeStamp, repositoryRoot, stampFile } from "./build-stamp.mjs";

const args = process.argv.slice(2);
const apiOnly = args.includes("--api-only");
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? args[outIndex + 1] : apiDist;
if (!outDir) throw new Error("--out needs a directory");

const started = Date.now();
// Taken before building: an edit made while the build runs leaves the stamp stale, not the build.
const stamp = computeStamp();

if (!apiOnly) {
  execFileSync("pnpm", ["--filter", "@guestcard/web", "build"], { cwd: repositoryRoot, stdio: "inherit" });
}

const apiRoot = join(repositoryRoot, "api");
const apiPackage = JSON.parse(readFileSync(join(apiRoot, "package.json"), "utf8"));
const external = Object.keys(apiPackage.dependencies)
  .filter((name) => !name.startsWith("@guestcard/"))
  .flatMap((name) => [name, `${name}/*`]);

rmSync(outDir, { recursive: true, force: true });
await build({
  absWorkingDir: apiRoot,
  entryPoints: { main: "src/main.ts", ops: "src/ops/cli.ts" },
  outdir: outDir,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  external,
  sourcemap: true,
  // No shared chunks: code that opens files beside itself (`import.meta.url`) must sit in api/dist.
  logLevel: "warning",
});
// Files the code opens beside itself (`new URL("./…", import.meta.url)` in src/db/client.ts and
// src/demo/seed-demo.ts): in the bundle, "beside itself" is api/dist.
cpSync(join(apiRoot, "src", "db", "migrations"), join(outDir, "migrations"), { recursive: true });
cpSync(join(apiRoot, "src", "demo", "guests-1000.csv"), join(outDir, "guests-1000.csv"));
if (outDir === apiDist) {
  writeFileSync(stampFile, `${JSON.stringify({ stamp, builtAt: new Date().toISOString() })}\n`);
}
console.log(`Built the API into ${outDir} in ${Date.now() - started} ms`);
