import { randomBytes, randomInt } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Demo mode signs initData with a token of its own, shaped like a real one and kept in DATA_DIR
 * so that a reload or a restart does not log the demo guests out.
 */
export function loadOrCreateDemoToken(dataDir: string): string {
  const file = join(dataDir, "demo-bot-token");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const token = `${randomInt(100_000_000, 999_999_999)}:${randomBytes(27).toString("base64url")}`;
  writeFileSync(file, token, { mode: 0o600 });
  return token;
}
