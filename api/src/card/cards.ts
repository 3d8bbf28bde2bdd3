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
 * Attempts whose free PINs were all taken by other guests at the same moment are retried too, but
 * not forever. (One guest's own renewals queue in the database and never collide.)
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
 * Issues a new card and ends the holder's previous one, in one round trip per attempt: the
 * `guestcard_issue_card` function (migration 0009, docs/decisions/017-hot-paths.md) finds the holder's
 * account, queues behind that account's other renewals, revokes its live card, and takes the first of
 * 8 drawn PINs no live card holds. Answers null when the holder is a Telegram user with no linked
 * account (the caller decides: link a known guest, or 403).
 *
 * The partial unique indexes on live (not revoked) cards make the database the judge of "no two
 * live cards share a PIN or a code" and "one live card per account", whatever the number of
 * processes issuing at once: an insert that would break either does nothing and the next drawn PIN is
 * tried (the "not held by a live card" pre-check only saves draws; the indexes decide). Cards that
 * have expired but still hold a candidate PIN or code are revoked on the way (nobody revokes expired
 * cards otherwise), so a PIN comes free as soon as its card is dead.
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
  const accountId = "accountId" in holder ? holder.accountId : null;
  const telegramUserId = "telegramUserId" in holder ? holder.telegramUserId : null;
  const fixedSeconds = "seconds" in lifetime ? lifetime.seconds : null;
  const defaultSeconds = "settingOrDefault" in lifetime ? lifetime.settingOrDefault : null;
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
    const [row] = await selectRows<IssueRow>(
      db,
      sql`select * from guestcard_issue_card(${accountId}::uuid, ${telegramUserId}::bigint,
            array[${pins}]::text[], array[${codes}]::text[], ${fixedSeconds}::integer, ${defaultSeconds}::integer)`,
    );
    if (!row?.account_id) return null;
    if (row.pin && row.code && row.issued_at_ms != null && row.expires_at_ms != null) {
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
