import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Three tiers, each runnable alone (`pnpm test:unit`, `pnpm test:db`, `pnpm test:e2e`, or
// `vitest run --project db`); `pnpm test` runs all three. A file's tier follows from what it does,
// read from what it imports, so a new file lands in the right tier without editing this config:
// - e2e: starts processes or a browser (everything in api/e2e/, and files using the helpers that do);
// - db: a real database, or a socket, in the test's own process (app.request, the fake Bot API);
// - unit: none of that — pure functions and their property tests.
// README.md, "Tests", has the figures behind the settings below.

const tiers = ["e2e", "db", "unit"] as const;
type Tier = (typeof tiers)[number];

/** Import specifiers (or, for our own helpers, how they end) that put a file in a tier. */
const tierMarkers: Record<Exclude<Tier, "unit">, string[]> = {
  e2e: ["/server-process", "/review-server-kit", "/browser-kit", "node:child_process", "@playwright/test"],
  db: [
    "/test-database",
    "/test-app",
    "/review-delivery-kit",
    "/fake-bot-api",
    "/bot-api-gate",
    "@electric-sql/pglite",
    "postgres",
    "node:http",
    "node:net",
  ],
};

const root = fileURLToPath(new URL(".", import.meta.url));

function testFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) return [];
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return /\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function tierOf(file: string): Tier {
  if (file.startsWith(join("api", "e2e"))) return "e2e";
  const source = readFileSync(join(root, file), "utf8");
  const imports = [...source.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map(
    (match) => match[1] ?? "",
  );
  const uses = (markers: string[]) =>
    imports.some((specifier) =>
      markers.some((marker) => (marker.startsWith("/") ? specifier.endsWith(marker) : specifier === marker)),
    );
  if (uses(tierMarkers.e2e)) return "e2e";
  if (uses(tierMarkers.db)) return "db";
  return "unit";
}

const filesByTier: Record<Tier, string[]> = { e2e: [], db: [], unit: [] };
for (const file of ["api", "shared", "web"].flatMap(testFiles)) filesByTier[tierOf(file)].push(file);

/**
 * The e2e files first: they are the longest, and much of their time is spent waiting for servers and
 * the browser, which the other tiers' files fill. Within a tier, vitest's own order (slowest first).
 */
class TierSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const rank = (file: TestSpecification) => tiers.indexOf(file.project.name as Tier);
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // Three on two cores: an e2e file spends much of its time waiting for the servers and the browser
    // it started, and a third worker fills that time. Measured (README, "Tests"): 2 workers 159 s,
    // 3 workers 133 s, 4 workers 129 s.
    maxWorkers: 3,
    sequence: { sequencer: TierSequencer },
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: filesByTier.unit,
          setupFiles: ["api/test/setup.ts"],
          // Pure code: files share a worker and its loaded modules instead of starting a fresh one each.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "db",
          include: filesByTier.db,
          setupFiles: ["api/test/setup.ts"],
          globalSetup: ["api/test/global-setup.ts"],
          // Files share a worker: the app's modules, PGlite's compiled WebAssembly and the test databases
          // (emptied between tests, api/test/test-database.ts) stay loaded. A third of the CPU time of
          // a worker per file. Nothing of one file's survives into the next but those databases.
          isolate: false,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: filesByTier.e2e,
          setupFiles: ["api/test/setup.ts"],
          globalSetup: ["api/test/global-setup.ts"],
          // Files share a worker too: the time goes to the processes they start, not to loading them.
          isolate: false,
          // Real processes start here (tsx, PGlite, Chromium): on a busy two-core machine that takes
          // a while. A test that works finishes long before; the limits only bound a stuck one.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
