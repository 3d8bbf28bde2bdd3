import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `pnpm faults` (README, "Faults"): the fault-injection run of issue 16, apart from `pnpm test` because it
// kills, freezes and restarts real processes for minutes. One file, one worker, in order: its scenarios
// share the machine's two cores with nothing else of ours, and its table is printed once at the end.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["api/faults/**/*.fault.ts"],
    globalSetup: ["api/test/global-setup.ts"],
    fileParallelism: false,
    maxWorkers: 1,
    // Bounds for a stuck scenario only; a healthy run takes a few minutes in all.
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
