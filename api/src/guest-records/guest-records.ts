import {
  type ConsentRecord,
  consentStateOf,
  type GuestRecord,
  type GuestSummary,
  guestSearchLimit,
} from "@guestcard/shared";
import { and, asc, count, desc, eq, inArray, max, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import {
  accounts,
  cardIdentifications,
  cards,
  consents,
  phoneConflicts,
  reviewReplies,
  reviews,
  sources,
  telegramUsers,
} from "../db/schema";
import { ApiError } from "../errors";
import { normalizePhone } from "../guests/phone";

const iso = (value: Date) => value.toISOString();

type AccountRow = typeof accounts.$inferSelect;

export function toGuestSummary(row: AccountRow): GuestSummary {
  return {
    accountId: row.id,
    lastName: row.lastName,
    firstName: row.firstName,
    middleName: row.middleName,
    phone: row.phone,
    registeredAt: iso(row.createdAt),
  };
}

/** `%`, `_` and `\` taken literally inside a LIKE pattern. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * Guests matching what a manager typed: a phone in any spelling ("8 (921) 555-01-02" finds
 * +79215550102), a part of a phone (its last digits), or words of a name, each of which must start
 * a word of the last, first or middle name. At most `guestSearchLimit`, by name.
 */
export async function searchGuests(db: Database, query: string): Promise<GuestSummary[]> {
  const phone = normalizePhone(query);
  const digits = query.replace(/\D/g, "");
  const conditions: SQL[] = [];
  if (phone) conditions.push(eq(accounts.phone, phone));
  // Four digits or more, and nothing but a phone's punctuation: a part of a number.
  if (digits.length >= 4 && /^[\d\s()+\-.]+$/.test(query)) {
    conditions.push(sql`${accounts.phone} like ${`%${likeLiteral(digits)}%`}`);
  }
  const words = query
    .normalize("NFC")
    .split(/\s+/)
    .filter((word) => word.length > 0 && !/^[\d()+\-.]+$/.test(word));
  if (words.length > 0) {
    const fullName = sql`(' ' || ${accounts.lastName} || ' ' || ${accounts.firstName} || ' ' || coalesce(${accounts.middleName}, ''))`;
    const each = words.map((word) => sql`${fullName} ilike ${`% ${likeLiteral(word)}%`}`);
    conditions.push(sql.join(each, sql` and `));
  }
  if (conditions.length === 0) return [];
  const rows = await db
    .select()
    .from(accounts)
    .where(
      sql.join(
        conditions.map((condition) => sql`(${condition})`),
        sql` or `,
      ),
    )
    .orderBy(asc(accounts.lastName), asc(accounts.firstName), asc(accounts.id))
    .limit(guestSearchLimit);
  return rows.map(toGuestSummary);
}

/** The guest's record as a manager reads it; `404 not_found` for an account that does not exist. */
export async function readGuestRecord(db: Database, accountId: string): Promise<GuestRecord> {
  const [row] = await db
    .select({ account: accounts, telegram: telegramUsers, source: sources })
    .from(accounts)
    .leftJoin(telegramUsers, eq(telegramUsers.accountId, accounts.id))
    .leftJoin(sources, eq(sources.id, telegramUsers.sourceId))
    .where(eq(accounts.id, accountId));
  if (!row) throw new ApiError("not_found", "There is no guest with this id.");
  const { account, telegram, source } = row;

  const [history, [cardCount], [lastVisit], reviewRows, [conflictCount]] = await Promise.all([
    db
      .select()
      .from(consents)
      .where(eq(consents.accountId, accountId))
      .orderBy(asc(consents.recordedAt), asc(consents.id)),
    db.select({ value: count() }).from(cards).where(eq(cards.accountId, accountId)),
    db
      .select({ at: max(cardIdentifications.at) })
      .from(cardIdentifications)
      .where(
        and(eq(cardIdentifications.accountId, accountId), eq(cardIdentifications.outcome, "identified")),
      ),
    db
      .select()
      .from(reviews)
      .where(eq(reviews.accountId, accountId))
      .orderBy(desc(reviews.createdAt), desc(reviews.id))
      .limit(50),
    db
      .select({ value: count() })
      .from(phoneConflicts)
      .where(and(eq(phoneConflicts.accountId, accountId), eq(phoneConflicts.status, "open"))),
  ]);
  const replies =
    reviewRows.length === 0
      ? []
      : await db
          .select()
          .from(reviewReplies)
          .where(
            inArray(
              reviewReplies.reviewId,
              reviewRows.map((review) => review.id),
            ),
          )
          .orderBy(asc(reviewReplies.createdAt), asc(reviewReplies.id));

  const consentHistory: ConsentRecord[] = history.map((entry) => ({
    kind: entry.kind,
    granted: entry.granted,
    textVersion: entry.textVersion,
    recordedAt: iso(entry.recordedAt),
  }));
  // A PGlite aggregate may come back as a string: read it as a date either way.
  const lastVisitAt = lastVisit?.at ? new Date(lastVisit.at) : null;
  return {
    accountId: account.id,
    lastName: account.lastName,
    firstName: account.firstName,
    middleName: account.middleName,
    gender: account.gender,
    birthday: account.birthday,
    email: account.email,
    phone: account.phone,
    registeredAt: iso(account.createdAt),
    origin: account.origin,
    source: source ? { code: source.code, name: source.name } : null,
    telegram: telegram
      ? {
          id: telegram.id,
          firstName: telegram.firstName,
          lastName: telegram.lastName,
          username: telegram.username,
        }
      : null,
    consents: {
      personalData: consentStateOf(consentHistory, "personal_data"),
      marketing: consentStateOf(consentHistory, "marketing"),
      history: consentHistory,
    },
    cardsIssued: cardCount?.value ?? 0,
    lastVisitAt: lastVisitAt ? iso(lastVisitAt) : null,
    reviews: reviewRows.map((review) => ({
      id: review.id,
      rating: review.rating,
      text: review.text,
      createdAt: iso(review.createdAt),
      replies: replies
        .filter((reply) => reply.reviewId === review.id)
        .map((reply) => ({ author: reply.author, text: reply.text, createdAt: iso(reply.createdAt) })),
    })),
    openConflicts: conflictCount?.value ?? 0,
  };
}
