import { createHash, timingSafeEqual } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { Config } from "../config";
import { ApiError } from "../errors";

export type PosVariables = { terminal: string };

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * `Authorization: Bearer <secret>` with a secret from POS_API_KEYS; the request is then known by the
 * key's terminal name. Secrets are compared as SHA-256 digests with timingSafeEqual, against every
 * key without stopping at the first match, so the answer time says nothing about how much of a
 * secret was right, nor which key matched. Anything else is 401 — and is not counted or recorded,
 * since there is no terminal to count it against.
 */
export function posAuth(keys: Config["posApiKeys"]) {
  const known = keys.map((key) => ({ terminal: key.name, digest: sha256(key.secret) }));
  return createMiddleware<{ Variables: PosVariables }>(async (c, next) => {
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header("authorization") ?? "");
    const presented = sha256(match?.[1] ?? "");
    let terminal: string | undefined;
    for (const key of known) {
      const equal = timingSafeEqual(key.digest, presented);
      terminal = terminal ?? (equal ? key.terminal : undefined);
    }
    if (!match || terminal === undefined) {
      throw new ApiError(
        "unauthorized",
        "Send this terminal's POS key as `Authorization: Bearer <secret>`.",
        undefined,
        { "www-authenticate": 'Bearer realm="guestcard-pos"' },
      );
    }
    c.set("terminal", terminal);
    await next();
  });
}
