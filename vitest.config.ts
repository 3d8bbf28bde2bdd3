import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Three tiers, each runnable alone (`pnpm test:unit`, `pnpm test:db`, `pnpm test:e2e`, or
// `vitest run --project db`); `pnpm test` runs all three. A file's tier follows from what it does,
// read from what it imports, so a new file lands in the right tier without editing this config:
// - e2e: starts processes or a browser (a folder of its own, api/e2e/, or the helpers that do it);
// - db: a real database or a socket in this process (app.request, the fake Bot API);
// - unit: none of that — pure functions and their property tests.

const root = fileURLToPath(new URL(".", import.meta.url));
const testFolders = ["api", "shared", "web"];

/** Import specifiers (or their endings, for our own helpers) that put a file in a tier. */
const tierMarkers = {
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
} as const;

type Tier = "unit" | "db" | "e2e";

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
  const imports = [...source.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1]);
  const imported = (markers: readonly string[]) =>
    imports.some((specifier) =>
      markers.some((marker) => (marker.startsWith("/") ? specifier?.endsWith(marker) : specifier === marker)),
    );
  if (imported(tierMarkers.e2e)) return "e2e";
  if (imported(tierMarkers.db)) return "db";
  return "unit";
}

const filesByTier: Record<Tier, string[]> = { unit: [], db: [], e2e: [] };
for (const file of testFolders.flatMap(testFiles))
  filesByTier[tierOf(file)].push(relative(root, join(root, file)));

export default defineConfig({
  test: {
    // Two cores: more workers only fight over them (PGlite and Chromium are CPU-bound).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: filesByTier.unit,
          setupFiles: ["api/test/setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "db",
          include: filesByTier.db,
          setupFiles: ["api/test/setup.ts"],
          globalSetup: ["api/test/global-setup.ts"],
          testTimeout: 30_000,
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
          // Real processes start here (tsx, PGlite, Chromium): on a busy two-core machine that takes
          // a while. A test that works finishes long before; the limits only bound a stuck one.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
