import * as z from "zod/mini";

/** What a manager may set the card lifetime to (README.md, Configuration): 30 s – 24 h. */
export const cardTtlSecondsRange = { min: 30, max: 86_400 } as const;

/** Telegram's rule for a Mini App's short name (the `<app>` in `t.me/<bot>/<app>`). */
export const miniAppShortNamePattern = /^[A-Za-z0-9_]{3,30}$/;

export const restaurantNameMaxLength = 100;

export const settingsSchema = z.object({
  /** Lifetime of the next virtual card issued, in seconds. */
  cardTtlSeconds: z.number(),
  /** The `<app>` of `https://t.me/<bot>/<app>?startapp=<code>` links. */
  miniAppShortName: z.string(),
  /** The restaurant's name as the bot's texts show it. */
  restaurantName: z.string(),
});
export type Settings = z.infer<typeof settingsSchema>;

/** `PUT /api/manager/settings`: any subset of the settings; what is left out stays as it is. */
export const settingsUpdateSchema = z.object({
  cardTtlSeconds: z.optional(
    z
      .number("a whole number of seconds")
      .check(
        z.int("a whole number of seconds"),
        z.gte(cardTtlSecondsRange.min, "at least 30 seconds"),
        z.lte(cardTtlSecondsRange.max, "at most 24 hours (86400 seconds)"),
      ),
  ),
  miniAppShortName: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.regex(miniAppShortNamePattern, "3–30 Latin letters, digits or underscores, as in BotFather"),
      ),
  ),
  restaurantName: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1, "required"),
        z.maxLength(restaurantNameMaxLength, "too long (100 characters at most)"),
      ),
  ),
});
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
