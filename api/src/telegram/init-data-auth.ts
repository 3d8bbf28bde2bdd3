import type { TelegramUser } from "@guestcard/shared";
import { validate } from "@telegram-apps/init-data-node";
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
  try {
    validate(raw, botToken, { expiresIn: maxAgeSeconds ?? 0 });
  } catch {
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
