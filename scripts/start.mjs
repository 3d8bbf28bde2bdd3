// `pnpm start` (and `pnpm backup`, `pnpm restore`, `pnpm migrate-to-postgres`): runs the built API
// with plain `node`, building it first only when the build in api/dist is missing or older than the
// sources (the build stamp, scripts/build-stamp.mjs). The built code is imported into this process,
// so the server gets SIGTERM itself and no second Node runs beside it.
//   node scripts/start.mjs              the server (api/dist/main.js)
//   node scripts/start.mjs ops ARGS…    the operator's commands (api/dist/ops.js, api/src/ops/cli.ts)
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { apiDist, builtStamp, computeStamp, repositoryRoot, sourcesPresent } from "./build-stamp.mjs";

const [first, ...rest] = process.argv.slice(2);
const entry = first === "ops" ? "ops.js" : "main.js";
const entryArgs = first === "ops" ? rest : process.argv.slice(2);

function buildIsCurrent() {
  // An install of the built output alone (no sources beside it) runs what it was given.
  if (!sourcesPresent()) return existsSync(join(apiDist, entry));
  return builtStamp() === computeStamp();
}

if (!buildIsCurrent()) {
  if (!existsSync(join(repositoryRoot, "node_modules", "esbuild"))) {
    console.error(
      "The build in api/dist is missing or older than the sources, and the build tools are not installed: " +
        "run `pnpm install` (with the development dependencies) and `pnpm build`, or copy a current build here.",
    );
    process.exit(1);
  }
  console.log("Building (the sources changed since the last build)…");
  execFileSync(process.execPath, [join(repositoryRoot, "scripts", "build.mjs")], {
    cwd: repositoryRoot,
    stdio: "inherit",
  });
}

const entryPath = join(apiDist, entry);
// The server has always run in api/ (so the default DATA_DIR, ./.data, is api/.data); paths the
// operator types are read against where they typed them (pnpm's INIT_CWD: api/src/ops/cli.ts).
process.env.INIT_CWD ??= process.cwd();
process.chdir(join(repositoryRoot, "api"));
process.argv = [process.argv[0] ?? process.execPath, entryPath, ...entryArgs];
await import(pathToFileURL(entryPath).href);
