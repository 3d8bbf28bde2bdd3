import type { CardResponse } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { ApiError } from "../errors";
import { type CardIdentifierSource, randomCardIdentifiers } from "./card-identifiers";

/**
 * Each issuing statement draws this many candidate PINs and takes the first one no live card holds,
 * so even with 30,000 live cards (a 30 % chance that one draw is taken) a statement almost never
 * comes back empty-handed: all 8 are taken with probability 0.3^8 ≈ 7e-5.
 */
export const candidatesPerAttempt = 8;

/**
 * Statements to try before giving up: 4 × 8 = 32 draws. With a share `p` of the 100,000 PINs held
 * by live cards, all collide with probability p^32: 1e-17 at 30 %, 1e-4 at 75 %, 3 % at 90 %. Past
 * that the PIN space is exhausted for practical purposes and issuing answers 503 instead of spinning.
 * (Another process taking the same free PIN at the same moment also costs one attempt.)
 */
export const maxIssueAttempts = 4;

/**
 * Statements lost to a race (another request took the free PIN, or issued to the same account, at
 * the same moment) are retried too, but not forever: a guest tapping "renew" twenty times at once
 * still gets twenty answers.
 */
const maxRacesLost = 25;

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
  /** Whether any of the drawn PINs was free; false is a step towards exhaustion, true a lost race. */
  had_candidate: boolean;
}

/**
 * Issues a new card and ends the holder's previous one, in one statement per attempt: the holder's
 * account, the lifetime setting, the choice among 8 drawn PINs, the revocations and the insert travel
 * together, so issuing costs one round trip. Answers null when the holder is a Telegram user with no linked account (the caller
 * decides: link a known guest, or 403).
 *
 * The partial unique indexes on live (not revoked) cards make the database the judge of "no two
 * live cards share a PIN or a code" and "one live card per account", whatever the number of
 * processes issuing at once: an insert that would break either is skipped (`on conflict do nothing`)
 * and retried with fresh identifiers (the "not held by a live card" pre-check only saves draws; the
 * indexes decide). The same statement first revokes the account's live card and
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
  // seconds is ignored; the upper bound is the settings' 24 h (README.md, Configuration) and keeps the cast from overflowing.
  const ttlSeconds =
    "seconds" in lifetime
      ? sql`${lifetime.seconds}::integer`
      : sql`coalesce((select (value #>> '{}')::integer from settings
                       where key = 'card_ttl_seconds' and jsonb_typeof(value) = 'number'
                         and (value #>> '{}') ~ '^[0-9]{1,5}$' and (value #>> '{}')::integer between 1 and 86400),
                     ${lifetime.settingOrDefault}::integer)`;
  let exhaustedDraws = 0;
  let racesLost = 0;
  while (exhaustedDraws < maxIssueAttempts && racesLost < maxRacesLost) {
    const candidates = Array.from({ length: candidatesPerAttempt }, () => newIdentifiers());
    const pins = sql.join(
      candidates.map((candidate) => sql`${candidate.pin}`),
      sql`, `,
    );
    const codes = sql.join(
      candidates.map((candidate) => sql`${candidate.code}`),
      sql`, `,
    );
    // `settled` reads the revocations before the insert runs: a data-modifying CTE that nothing
    // reads would run after the main statement, and the insert would collide with the old card.
    const [row] = await selectRows<IssueRow>(
      db,
      sql`with holder as (${account}),
          candidate as (
            select drawn.pin, drawn.code
              from unnest(array[${pins}]::text[], array[${codes}]::text[]) with ordinality as drawn(pin, code, n)
             where not exists (select 1 from cards live
                                where live.pin = drawn.pin and live.revoked_at is null and live.expires_at > now())
             order by drawn.n
             limit 1
          ),
          revoked as (
            update cards set revoked_at = now()
             where revoked_at is null
               and (account_id = (select account_id from holder)
                    or ((pin = (select pin from candidate) or code = (select code from candidate))
                        and expires_at <= now()))
            returning 1
          ),
          issued as (
            insert into cards (account_id, pin, code, issued_at, expires_at)
            select holder.account_id, candidate.pin, candidate.code, now(),
                   now() + make_interval(secs => ${ttlSeconds})
              from holder, candidate, (select count(*) from revoked) as settled
            on conflict do nothing
            returning pin, code, issued_at, expires_at
          )
          select (select account_id from holder) as account_id,
            exists (select 1 from candidate) as had_candidate,
            issued.pin, issued.code,
            (extract(epoch from issued.issued_at) * 1000)::float8 as issued_at_ms,
            (extract(epoch from issued.expires_at) * 1000)::float8 as expires_at_ms,
            (extract(epoch from clock_timestamp()) * 1000)::float8 as server_time_ms
            from (select 1) as one left join issued on true`,
    );
    if (!row?.account_id) return null;
    if (row.pin && row.code && row.issued_at_ms !== undefined && row.expires_at_ms !== undefined) {
      return toCardResponse(row as CardRow);
    }
    if (row.had_candidate) racesLost++;
    else exhaustedDraws++;
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
