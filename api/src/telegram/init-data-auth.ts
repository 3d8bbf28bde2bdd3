import crypto from "node:crypto";
import type { TelegramUser } from "@guestcard/shared";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { ApiError } from "../errors";

/** What an authenticated Mini App request carries, once its initData has been verified. */
export interface Launch {
  user: TelegramUser;
  /** `start_param` from a `startapp=<code>` link: the acquisition source, if any. */
  startParam: string | undefined;
  authDate: Date;
}

export type GuestVariables = { launch: Launch };

const initDataUserSchema = z.object({
  id: z.number().int().positive(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

/** A phone's clock may run a little ahead of ours; more than this and the auth_date is not believable. */
const allowedClockSkewSeconds = 60;

/** Telegram's hash: 64 lowercase hex digits (HMAC-SHA-256). Any other spelling is not Telegram's. */
const hashPattern = /^[0-9a-f]{64}$/;

/**
 * Checks initData's signature as Telegram documents it (the data-check string of every field but
 * `hash`, sorted, HMAC-SHA-256 with the key HMAC-SHA-256("WebAppData", bot token)), and its age.
 * Our own check rather than @telegram-apps/init-data-node's `validate`, which compares the hashes
 * as strings (`!==`, whose time depends on how many leading characters match): the digests are
 * compared with `timingSafeEqual`, so the answer's timing says nothing about the expected hash.
 */
function checkSignatureAndAge(raw: string, botToken: string, maxAgeSeconds: number | undefined, now: Date) {
  const params = new URLSearchParams(raw);
  const hashes = params.getAll("hash");
  const [hash] = hashes;
  if (hashes.length !== 1 || hash === undefined || !hashPattern.test(hash)) return false;
  const pairs: string[] = [];
  for (const [key, value] of params) if (key !== "hash") pairs.push(`${key}=${value}`);
  // Sorted as whole `key=value` strings, as Telegram's clients and the library's signer do.
  pairs.sort();
  const secretKey = crypto.createHmac("sha256", "WebAppData").update(botToken).digest();
  const expected = crypto.createHmac("sha256", secretKey).update(pairs.join("\n")).digest();
  if (!crypto.timingSafeEqual(expected, Buffer.from(hash, "hex"))) return false;
  const authDate = params.get("auth_date");
  if (authDate === null || !/^\d{1,12}$/.test(authDate)) return false;
  return maxAgeSeconds === undefined || (Number(authDate) + maxAgeSeconds) * 1000 >= now.getTime();
}

/**
 * Verifies Telegram's signed initData exactly as received and returns who sent it.
 * Throws ApiError("unauthorized") for anything forged, expired, future-dated or malformed.
 */
export function verifyInitData(
  raw: string,
  botToken: string,
  maxAgeSeconds: number | undefined,
  now = new Date(),
): Launch {
  if (!checkSignatureAndAge(raw, botToken, maxAgeSeconds, now)) {
    throw new ApiError("unauthorized", "The Mini App launch data is invalid or too old; reopen the app.");
  }
  const params = new URLSearchParams(raw);
  const authDate = new Date(Number(params.get("auth_date")) * 1000);
  if (
    Number.isNaN(authDate.getTime()) ||
    authDate.getTime() > now.getTime() + allowedClockSkewSeconds * 1000
  ) {
    throw new ApiError("unauthorized", "The Mini App launch data is dated in the future.");
  }
  let user: z.infer<typeof initDataUserSchema>;
  try {
    user = initDataUserSchema.parse(JSON.parse(params.get("user") ?? ""));
  } catch {
    throw new ApiError("unauthorized", "The Mini App launch data names no valid user.");
  }
  return {
    user: {
      id: user.id,
      firstName: user.first_name,
      lastName: user.last_name ?? null,
      username: user.username ?? null,
      languageCode: user.language_code ?? null,
    },
    startParam: params.get("start_param") ?? undefined,
    authDate,
  };
}

/** Hono middleware for every guest and manager route: `Authorization: tma <raw initData>`. */
export function initDataAuth(options: { botToken: string; maxAgeSeconds: number | undefined }) {
  return createMiddleware<{ Variables: GuestVariables }>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^tma (.+)$/s.exec(header);
    if (!match?.[1])
      throw new ApiError("unauthorized", "Send the Mini App's initData as `Authorization: tma <initData>`.");
    c.set("launch", verifyInitData(match[1], options.botToken, options.maxAgeSeconds));
    await next();
  });
}
