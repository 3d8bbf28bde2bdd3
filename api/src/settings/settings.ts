import { cardTtlSecondsRange, type Settings, type SettingsUpdate } from "@guestcard/shared";
import { inArray, sql } from "drizzle-orm";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { settings } from "../db/schema";

/** The environment's values, used until a manager saves a setting of their own. */
export type SettingsDefaults = Pick<Config, "cardTtlSeconds" | "miniAppShortName" | "restaurantName">;

/** Each setting's row key in the `settings` table. */
const keys = {
  cardTtlSeconds: "card_ttl_seconds",
  miniAppShortName: "mini_app_short_name",
  restaurantName: "restaurant_name",
} as const satisfies Record<keyof Settings, string>;

type SettingName = keyof typeof keys;
const names = Object.keys(keys) as SettingName[];

/**
 * The settings in force: what a manager saved, else the environment's default. Read from the
 * database on every call (one indexed lookup), so a change takes effect for the very next card
 * and in every process at once, without a cache to invalidate.
 */
export async function readSettings(db: Database, defaults: SettingsDefaults): Promise<Settings> {
  const rows = await db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(inArray(settings.key, Object.values(keys)));
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const pick = <T>(name: SettingName, isValid: (value: unknown) => value is T, fallback: T): T => {
    const value = stored.get(keys[name]);
    // A value a manager could not have saved (edited by hand, or an older format) falls back.
    return isValid(value) ? value : fallback;
  };
  return {
    cardTtlSeconds: pick("cardTtlSeconds", isCardLifetime, defaults.cardTtlSeconds),
    miniAppShortName: pick("miniAppShortName", isNonEmptyString, defaults.miniAppShortName),
    restaurantName: pick("restaurantName", isNonEmptyString, defaults.restaurantName),
  };
}

/** Saves the given settings (already validated with `settingsUpdateSchema`) and returns all of them. */
export async function updateSettings(
  db: Database,
  defaults: SettingsDefaults,
  update: SettingsUpdate,
): Promise<Settings> {
  const rows = names
    .filter((name) => update[name] !== undefined)
    .map((name) => ({ key: keys[name], value: update[name] }));
  if (rows.length > 0) {
    await db
      .insert(settings)
      .values(rows)
      .onConflictDoUpdate({
        target: settings.key,
        set: { value: sql`excluded.value`, updatedAt: sql`now()` },
      });
  }
  return readSettings(db, defaults);
}

function isCardLifetime(value: unknown): value is number {
  return (
    typeof value === "number" &&
    Number.isInteger(value) &&
    value >= cardTtlSecondsRange.min &&
    value <= cardTtlSecondsRange.max
  );
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
