/// <reference types="node" />
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

// `pnpm test` builds the web app first; the size script is the budget's single source of truth.
describe("the guest bundle budget", () => {
  it("keeps the JavaScript a guest needs to reach home within 100 kB gzip", async () => {
    expect(existsSync(`${webRoot}dist/.vite/manifest.json`), "build web/ first").toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, ["scripts/size.mjs"], {
      cwd: webRoot,
    }).catch((error: { stdout?: string; code?: number }) => {
      throw new Error(`the size script failed (exit ${error.code}):\n${error.stdout ?? ""}`);
    });
    expect(stdout).toMatch(/guest JavaScript to reach home: [\d.]+ kB gzip \(budget 100\.0 kB, within\)/);
    // Lazy screens and staff pages must stay out of the figure.
    expect(stdout).not.toMatch(/registration|my-data|cashier|manager/);
  });
});
