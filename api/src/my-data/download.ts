import { createHmac, timingSafeEqual } from "node:crypto";
import type { DownloadLink } from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import { readMyData } from "./my-data";

/*
 * The export of one's data as a file. Telegram's mobile apps ignore `<a download>`, and their
 * `downloadFile` fetches a URL itself, without the Mini App's initData: so the file is served from a
 * short-lived link whose token is signed by the server (HMAC-SHA256 with a key derived from the bot
 * token), names the Telegram user, and expires after `downloadLinkTtlMs`. The file is made when the
 * link is fetched: a link fetched after the guest deleted their data finds nothing of it.
 */

export const downloadLinkTtlMs = 5 * 60_000;
const tokenPattern = /^(\d{1,16})\.(\d{10,16})\.([A-Za-z0-9_-]{43})$/;

function signingKey(secret: string): Buffer {
  return createHmac("sha256", "guestcard my-data download link").update(secret).digest();
}

function signature(key: Buffer, telegramUserId: number, expiresAtMs: number): string {
  return createHmac("sha256", key).update(`${telegramUserId}.${expiresAtMs}`).digest("base64url");
}

/** A link to the guest's data as a JSON file, valid for a few minutes. */
export function myDataDownloadLink(secret: string, telegramUserId: number, now = Date.now()): DownloadLink {
  const expiresAtMs = now + downloadLinkTtlMs;
  const token = `${telegramUserId}.${expiresAtMs}.${signature(signingKey(secret), telegramUserId, expiresAtMs)}`;
  return {
    url: `/downloads/my-data/${token}`,
    fileName: myDataFileName(now),
    expiresAt: new Date(expiresAtMs).toISOString(),
  };
}

function myDataFileName(now: number): string {
  return `my-data-${new Date(now).toISOString().slice(0, 10)}.json`;
}

/** The Telegram user a token names, or null when it is malformed, forged or expired. */
export function verifyDownloadToken(secret: string, token: string, now = Date.now()): number | null {
  const match = tokenPattern.exec(token);
  if (!match) return null;
  const telegramUserId = Number(match[1]);
  const expiresAtMs = Number(match[2]);
  const expected = Buffer.from(signature(signingKey(secret), telegramUserId, expiresAtMs));
  const given = Buffer.from(match[3] ?? "");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (expiresAtMs <= now || expiresAtMs > now + downloadLinkTtlMs) return null;
  return telegramUserId;
}

/** `GET /downloads/my-data/<token>`: the file, or 404 for any token that is not a live one of ours. */
export function myDataDownloadRoutes(deps: { db: Database; secret: string; now?: () => number }) {
  const now = deps.now ?? Date.now;
  return new Hono().get("/my-data/:token", async (c) => {
    c.header("cache-control", "no-store");
    c.header("referrer-policy", "no-referrer");
    c.header("x-content-type-options", "nosniff");
    const telegramUserId = verifyDownloadToken(deps.secret, c.req.param("token"), now());
    const data = telegramUserId === null ? null : await readMyData(deps.db, telegramUserId);
    if (!data) {
      return c.text(
        "Ссылка устарела: откройте «Мои данные» и скачайте файл снова.\n" +
          "This link has expired: open “My data” and download the file again.\n",
        404,
      );
    }
    return c.body(`${JSON.stringify(data, null, 2)}\n`, 200, {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${myDataFileName(now())}"`,
    });
  });
}
