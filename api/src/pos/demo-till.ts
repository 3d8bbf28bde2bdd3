import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * In demo mode without POS_API_KEYS, one till of our own, so the cashier page works out of the box
 * (the /demo launcher links to it with the key). Kept in DATA_DIR like the demo token, so a restart
 * does not log the till out. Demo mode is open by design (anyone may be any demo guest), so a key
 * shown on its launcher gives nothing away.
 */
export const demoTillName = "demo-till";

export function loadOrCreateDemoTillKey(dataDir: string): string {
  const file = join(dataDir, "demo-till-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const key = `demo-${randomBytes(12).toString("base64url")}`;
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
