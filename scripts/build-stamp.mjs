// The build stamp: one hash of everything a production build is made from (the sources of the API,
// the Mini App and the shared schemas, the package files and the lockfile, and the build script
// itself). `pnpm build` writes it into api/dist; `pnpm start` rebuilds only when it differs
// (README, "Production build"; docs/decisions/023-operator-kit.md).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));
export const apiDist = join(repositoryRoot, "api", "dist");
export const webDist = join(repositoryRoot, "web", "dist");
export const stampFile = join(apiDist, "build-stamp.json");

/** What a build reads; tests and benches are left out, so editing them does not call for a rebuild. */
const inputs = [
  "api/src",
  "api/package.json",
  "shared/src",
  "shared/package.json",
  "web/src",
  "web/public",
  "web/scripts",
  "web/index.html",
  "web/vite.config.ts",
  "web/package.json",
  "package.json",
  "pnpm-lock.yaml",
  "scripts/build.mjs",
  "scripts/build-stamp.mjs",
];

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "dist") return [];
    if (/\.test\.tsx?$/.test(entry.name)) return [];
    return filesUnder(join(path, entry.name));
  });
}

/** true where the sources are here at all: an install of the built output alone has none. */
export function sourcesPresent() {
  return existsSync(join(repositoryRoot, "api", "src", "main.ts"));
}

export function computeStamp() {
  const hash = createHash("sha256");
  const files = inputs.flatMap((input) => filesUnder(join(repositoryRoot, input))).sort();
  for (const file of files) {
    hash.update(relative(repositoryRoot, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 32);
}

/** The stamp of the build in api/dist, or undefined when there is none (or it is incomplete). */
export function builtStamp() {
  if (!existsSync(stampFile) || !existsSync(join(webDist, "index.html"))) return undefined;
  try {
    return JSON.parse(readFileSync(stampFile, "utf8")).stamp;
  } catch {
    return undefined;
  }
}
