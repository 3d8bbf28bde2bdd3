import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{api,shared,web}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    setupFiles: ["api/test/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only fight over them (PGlite and Chromium are CPU-bound).
    maxWorkers: 2,
  },
});
