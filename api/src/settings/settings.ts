import {
  cardTtlSecondsRange,
  defaultTierName,
  type LoyaltyProgramme,
  type LoyaltyProgrammeUpdate,
  loyaltyProgrammeSchema,
  type Settings,
  type SettingsUpdate,
} from "@guestcard/shared";
import { inArray, sql } from "drizzle-orm";
import type { Config } from "../config";
import { type Database, selectRows } from "../db/client";
import { settings } from "../db/schema";

/** The environment's values, used until a manager saves a setting of their own. */
export type SettingsDefaults = Pick<Config, "cardTtlSeconds" | "miniAppShortName" | "restaurantName">;

/** Each setting's row key in the `settings` table. */
const keys = {
  cardTtlSeconds: "card_ttl_seconds",
  miniAppShortName: "mini_app_short_name",
  restaurantName: "restaurant_name",
  birthdayGreeting: "birthday_greeting",
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
    // Off unless a manager turned it on; the birthday step reads the same row (migration 0008).
    birthdayGreeting: pick("birthdayGreeting", isBoolean, false),
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

function isBoolean(value: unknown): value is boolean {
  return typeof value === "boolean";
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

// ---------------------------------------------------------------------------------------------
// The loyalty programme. Its settings are read inside the database functions that use them (identify,
// purchases: api/src/db/migrations/0006_loyalty-functions.sql, `guestcard_loyalty_programme`), so a
// bill never needs a round trip of its own to learn them. Three layers, field by field: docs/api.md's
// defaults, the environment's (stored below at start), and what a manager saved.

/** Where the environment's defaults are kept for the database functions to read. */
const loyaltyDefaultsKey = "loyalty_programme_defaults";
/** Where a manager's programme is kept (only the fields they changed). */
const loyaltyProgrammeKey = "loyalty_programme";

export type LoyaltyDefaults = Config["loyalty"];

/** The programme the LOYALTY_* variables describe: one tier, earning LOYALTY_EARN_PERCENT. */
export function programmeFromEnvironment(defaults: LoyaltyDefaults): LoyaltyProgrammeUpdate {
  return {
    tiers: [{ name: defaultTierName, threshold: 0, earnPercent: defaults.earnPercent }],
    maxRedeemPercent: defaults.maxRedeemPercent,
    welcomePoints: defaults.welcomePoints,
  };
}

/**
 * Stores the environment's programme defaults where the database functions read them. Called at
 * every start (main.ts), so a changed LOYALTY_* variable applies after a restart, in every process
 * (all of them run with the same environment; the last to start wins if they do not).
 */
export async function storeLoyaltyDefaults(db: Database, defaults: LoyaltyDefaults): Promise<void> {
  await db
    .insert(settings)
    .values({ key: loyaltyDefaultsKey, value: programmeFromEnvironment(defaults) })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`now()` } });
}

/** The programme in force now: the one the next bill will use. */
export async function readLoyaltyProgramme(db: Database): Promise<LoyaltyProgramme> {
  const [row] = await selectRows<{ programme: unknown }>(
    db,
    sql`select guestcard_loyalty_programme() as programme`,
  );
  // The database function already dropped anything a manager could not have saved: a mismatch here
  // is a bug in one of the two validations, not bad data.
  return loyaltyProgrammeSchema.parse(row?.programme);
}

/**
 * Saves a manager's change (already validated with `loyaltyProgrammeUpdateSchema`): the given fields
 * replace theirs, the rest stay, in one statement so two managers saving different fields at once
 * both keep theirs. Applies from the next bill on; bills already closed keep what they had.
 */
export async function updateLoyaltyProgramme(
  db: Database,
  update: LoyaltyProgrammeUpdate,
): Promise<LoyaltyProgramme> {
  const fields = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
  if (Object.keys(fields).length > 0) {
    await db
      .insert(settings)
      .values({ key: loyaltyProgrammeKey, value: fields })
      .onConflictDoUpdate({
        target: settings.key,
        set: { value: sql`${settings.value} || excluded.value`, updatedAt: sql`now()` },
      });
  }
  return readLoyaltyProgramme(db);
}
