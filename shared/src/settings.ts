import * as z from "zod/mini";
import { fieldRule } from "./field-errors";
import { nameText } from "./text-rules";

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
  /**
   * A greeting in the bot on each consenting guest's birthday (with the birthday points), once a
   * year; off until a manager turns it on (docs/api.md, "Broadcasts").
   */
  birthdayGreeting: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

const lifetimeRule = fieldRule("lifetime_out_of_range", cardTtlSecondsRange);

/** `PUT /api/manager/settings`: any subset of the settings; what is left out stays as it is. */
export const settingsUpdateSchema = z.object({
  cardTtlSeconds: z.optional(
    z
      .number(lifetimeRule)
      .check(
        z.int(lifetimeRule),
        z.gte(cardTtlSecondsRange.min, lifetimeRule),
        z.lte(cardTtlSecondsRange.max, lifetimeRule),
      ),
  ),
  miniAppShortName: z.optional(
    z.string().check(z.trim(), z.regex(miniAppShortNamePattern, fieldRule("bad_short_name"))),
  ),
  /** The bot's texts name the restaurant: a name like a guest's, one line of visible characters. */
  restaurantName: z.optional(nameText({ required: true, maxLength: restaurantNameMaxLength })),
  birthdayGreeting: z.optional(z.boolean(fieldRule("wrong_type"))),
});
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
