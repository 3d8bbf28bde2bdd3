import type { CardResponse } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { ApiError } from "../errors";
import { type CardIdentifierSource, randomCardIdentifiers } from "./card-identifiers";

/**
 * How many fresh PINs to try before giving up. A 6-digit PIN with a check digit has 100,000 values;
 * with a share `p` of them held by live cards, all tries collide with probability p^25:
 * 1e-13 at 30 % (30,000 live cards), 0.07 % at 75 %, 7 % at 90 %. Past that the space is exhausted
 * for practical purposes and issuing answers 503 instead of spinning.
 */
export const maxIssueAttempts = 25;

interface CardRow {
  pin: string;
  code: string;
  issued_at_ms: number;
  expires_at_ms: number;
  server_time_ms: number;
}

const iso = (milliseconds: number) => new Date(Math.round(Number(milliseconds))).toISOString();

function toCardResponse(row: CardRow): CardResponse {
  return {
    pin: row.pin,
    code: row.code,
    issuedAt: iso(row.issued_at_ms),
    expiresAt: iso(row.expires_at_ms),
    serverTime: iso(row.server_time_ms),
    ttlSeconds: Math.round((Number(row.expires_at_ms) - Number(row.issued_at_ms)) / 1000),
  };
}

/** Whose card: an account, or the account linked to a Telegram user (the Mini App's caller). */
export type CardHolder = { accountId: string } | { telegramUserId: number };

/** A fixed lifetime, or the managers' `card_ttl_seconds` setting with this default. */
export type CardLifetime = { seconds: number } | { settingOrDefault: number };

interface IssueRow extends Partial<CardRow> {
  account_id: string | null;
}

/**
 * Issues a new card and ends the holder's previous one, in one statement per attempt: the holder's
 * account, the lifetime setting, the revocations and the insert travel together, so issuing costs
 * one round trip. Answers null when the holder is a Telegram user with no linked account (the caller
 * decides: link a known guest, or 403).
 *
 * The partial unique indexes on live (not revoked) cards make the database the judge of "no two
 * live cards share a PIN or a code" and "one live card per account", whatever the number of
 * processes issuing at once: an insert that would break either is skipped (`on conflict do nothing`)
 * and retried with fresh identifiers. The same statement first revokes the account's live card and
 * any card that has expired but still holds the candidate PIN or code (nobody revokes expired cards
 * otherwise), so a PIN comes free as soon as its card is dead.
 *
 * When every attempt collides — the PIN space is practically full — the answer is 503 `unavailable`.
 * The previous card has then been revoked by the first attempt: a guest who renews gets either a
 * new card or none, never an old one that looks renewed.
 */
export async function issueCard(
  db: Database,
  holder: CardHolder,
  lifetime: CardLifetime,
  newIdentifiers: CardIdentifierSource = randomCardIdentifiers,
): Promise<CardResponse | null> {
  const account =
    "accountId" in holder
      ? sql`select ${holder.accountId}::uuid as account_id`
      : sql`select account_id from telegram_users where id = ${holder.telegramUserId} and account_id is not null`;
  // Mirrors readSettings (settings/settings.ts): a stored value that is not a whole positive number of
  // seconds is ignored; the upper bound is CONTRACT.md's 24 h and keeps the cast from overflowing.
  const ttlSeconds =
    "seconds" in lifetime
      ? sql`${lifetime.seconds}::integer`
      : sql`coalesce((select (value #>> '{}')::integer from settings
                       where key = 'card_ttl_seconds' and jsonb_typeof(value) = 'number'
                         and (value #>> '{}') ~ '^[0-9]{1,5}$' and (value #>> '{}')::integer between 1 and 86400),
                     ${lifetime.settingOrDefault}::integer)`;
  for (let attempt = 0; attempt < maxIssueAttempts; attempt++) {
    const { pin, code } = newIdentifiers();
    // `settled` reads the revocations before the insert runs: a data-modifying CTE that nothing
    // reads would run after the main statement, and the insert would collide with the old card.
    const [row] = await selectRows<IssueRow>(
      db,
      sql`with holder as (${account}),
          revoked as (
            update cards set revoked_at = now()
             where revoked_at is null
               and (account_id = (select account_id from holder)
                    or ((pin = ${pin} or code = ${code}) and expires_at <= now()))
            returning 1
          ),
          issued as (
            insert into cards (account_id, pin, code, issued_at, expires_at)
            select holder.account_id, ${pin}, ${code}, now(), now() + make_interval(secs => ${ttlSeconds})
              from holder, (select count(*) from revoked) as settled
            on conflict do nothing
            returning pin, code, issued_at, expires_at
          )
          select (select account_id from holder) as account_id, issued.pin, issued.code,
            (extract(epoch from issued.issued_at) * 1000)::float8 as issued_at_ms,
            (extract(epoch from issued.expires_at) * 1000)::float8 as expires_at_ms,
            (extract(epoch from clock_timestamp()) * 1000)::float8 as server_time_ms
            from (select 1) as one left join issued on true`,
    );
    if (!row?.account_id) return null;
    if (row.pin && row.code && row.issued_at_ms !== undefined && row.expires_at_ms !== undefined) {
      return toCardResponse(row as CardRow);
    }
  }
  throw new ApiError(
    "unavailable",
    "No free card number could be found right now; please try again in a minute.",
    undefined,
    { "retry-after": "60" },
  );
}

/** The account's live card (issued, not replaced, not expired), if any. */
export async function findLiveCard(db: Database, accountId: string): Promise<CardResponse | null> {
  const [row] = await selectRows<CardRow>(
    db,
    sql`select pin, code,
          (extract(epoch from issued_at) * 1000)::float8 as issued_at_ms,
          (extract(epoch from expires_at) * 1000)::float8 as expires_at_ms,
          (extract(epoch from clock_timestamp()) * 1000)::float8 as server_time_ms
        from cards
       where account_id = ${accountId} and revoked_at is null and expires_at > clock_timestamp()`,
  );
  return row ? toCardResponse(row) : null;
}
