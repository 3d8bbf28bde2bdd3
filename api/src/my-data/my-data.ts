import {
  type ConsentKind,
  type ConsentRecord,
  consentStateOf,
  type MyDataResponse,
  type TelegramUser,
} from "@guestcard/shared";
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { accounts, cards, consents, reviews, telegramUsers } from "../db/schema";
import { ApiError } from "../errors";
import { deleteConflictsOf } from "../guest-records/phone-conflicts";
import { rememberTelegramUser, toAccountDto } from "../guests/guests";
import { consentVersionFor } from "../registration/registration";

const iso = (value: Date) => value.toISOString();

async function consentHistory(db: Database, accountId: string): Promise<ConsentRecord[]> {
  const rows = await db
    .select()
    .from(consents)
    .where(eq(consents.accountId, accountId))
    .orderBy(asc(consents.recordedAt), asc(consents.id));
  return rows.map((row) => ({
    kind: row.kind,
    granted: row.granted,
    textVersion: row.textVersion,
    recordedAt: iso(row.recordedAt),
  }));
}

/** Everything we store about this Telegram user and their account, as `GET /api/my-data` shows it. */
export async function exportMyData(
  db: Database,
  user: TelegramUser,
  now = new Date(),
): Promise<MyDataResponse> {
  await rememberTelegramUser(db, user);
  const data = await readMyData(db, user.id, now);
  if (!data) throw new Error("the Telegram user was just stored but is missing");
  return data;
}

/**
 * The same, for a Telegram user we know by id only (the download link of the export); null when we
 * never met them. Reviews are the Telegram user's own, whatever account they were sent under.
 */
export async function readMyData(
  db: Database,
  telegramUserId: number,
  now = new Date(),
): Promise<MyDataResponse | null> {
  const [row] = await db
    .select({ telegram: telegramUsers, account: accounts })
    .from(telegramUsers)
    .leftJoin(accounts, eq(accounts.id, telegramUsers.accountId))
    .where(eq(telegramUsers.id, telegramUserId));
  if (!row) return null;
  const { telegram, account } = row;

  const guestReviews = await db
    .select({ id: reviews.id, text: reviews.text, rating: reviews.rating, createdAt: reviews.createdAt })
    .from(reviews)
    .where(eq(reviews.telegramUserId, telegramUserId))
    .orderBy(desc(reviews.createdAt));
  const [cardCount] = account
    ? await db.select({ value: count() }).from(cards).where(eq(cards.accountId, account.id))
    : [{ value: 0 }];
  const history = account ? await consentHistory(db, account.id) : [];

  return {
    exportedAt: iso(now),
    telegram: {
      id: telegram.id,
      firstName: telegram.firstName,
      lastName: telegram.lastName,
      username: telegram.username,
      languageCode: telegram.languageCode,
      phone: telegram.phone,
      phoneVerifiedAt: telegram.phoneVerifiedAt ? iso(telegram.phoneVerifiedAt) : null,
      firstSeenAt: iso(telegram.createdAt),
    },
    account: account ? { ...toAccountDto(account), createdAt: iso(account.createdAt) } : null,
    consents: history,
    consentStates: {
      personalData: consentStateOf(history, "personal_data"),
      marketing: consentStateOf(history, "marketing"),
    },
    reviews: guestReviews.map((review) => ({ ...review, createdAt: iso(review.createdAt) })),
    cardsIssued: cardCount?.value ?? 0,
  };
}

/** Whether the account's personal-data consent is in force (an imported guest never gave it to us). */
export async function personalDataConsentGiven(db: Database, accountId: string): Promise<boolean> {
  const [latest] = await db
    .select({ granted: consents.granted })
    .from(consents)
    .where(and(eq(consents.accountId, accountId), eq(consents.kind, "personal_data")))
    .orderBy(desc(consents.recordedAt), desc(consents.id))
    .limit(1);
  return latest?.granted === true;
}

async function registeredAccountOf(db: Database, user: TelegramUser, what: string): Promise<string> {
  const [guest] = await db
    .select({ accountId: telegramUsers.accountId })
    .from(telegramUsers)
    .where(eq(telegramUsers.id, user.id));
  if (!guest?.accountId)
    throw new ApiError("registration_required", `Register first: there is no consent to ${what}.`);
  return guest.accountId;
}

/**
 * Gives a consent: appends a grant unless one is in force, under the account's row lock so a double
 * tap records one grant. How a guest opts in to offers later (also after Unsubscribe or /stop to a
 * broadcast, which record a withdrawal), and how an imported guest gives the personal-data consent
 * the restaurant's base never had from them.
 */
export async function grantConsent(
  db: Database,
  user: TelegramUser,
  kind: ConsentKind,
): Promise<ConsentRecord[]> {
  const accountId = await registeredAccountOf(db, user, "give");
  await db.transaction(async (tx) => {
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for("update");
    const [latest] = await tx
      .select({ granted: consents.granted })
      .from(consents)
      .where(and(eq(consents.accountId, accountId), eq(consents.kind, kind)))
      .orderBy(desc(consents.recordedAt), desc(consents.id))
      .limit(1);
    if (!latest?.granted) {
      await tx
        .insert(consents)
        .values({ accountId, kind, granted: true, textVersion: consentVersionFor(user) });
    }
  });
  return consentHistory(db, accountId);
}

/**
 * Withdraws marketing consent by appending a withdrawal to the history (the grant stays on record,
 * as proof of what was agreed and when). Withdrawing twice records nothing new.
 */
export async function withdrawMarketingConsent(db: Database, user: TelegramUser): Promise<ConsentRecord[]> {
  const accountId = await registeredAccountOf(db, user, "withdraw");
  const [latest] = await db
    .select({ granted: consents.granted })
    .from(consents)
    .where(and(eq(consents.accountId, accountId), eq(consents.kind, "marketing")))
    .orderBy(desc(consents.recordedAt), desc(consents.id))
    .limit(1);
  if (latest?.granted) {
    await db
      .insert(consents)
      .values({ accountId, kind: "marketing", granted: false, textVersion: consentVersionFor(user) });
  }
  return consentHistory(db, accountId);
}

/** What a deletion removed, for the guest to read afterwards. */
export interface DeletionOutcome {
  account: boolean;
  reviews: number;
}

/**
 * Deletes the guest's account and personal data and unlinks their Telegram user, so the bot treats
 * them as a new guest (docs/decisions/019-deleting-ones-data.md). The account row goes with its
 * cards, consents, balance and phone conflicts (foreign keys cascade); the guest's reviews go with
 * the conversation after them; the verified phone is cleared from the Telegram user. What stays: the
 * Telegram profile Telegram itself sends on every launch, the funnel's counts, and the restaurant's
 * own records of bills and points, no longer tied to anyone. Safe to repeat.
 */
export async function deleteMyData(db: Database, user: TelegramUser): Promise<DeletionOutcome> {
  return db.transaction(async (tx) => {
    const [guest] = await tx
      .select({ accountId: telegramUsers.accountId })
      .from(telegramUsers)
      .where(eq(telegramUsers.id, user.id))
      .for("update");
    await tx
      .update(telegramUsers)
      .set({ accountId: null, phone: null, phoneVerifiedAt: null, updatedAt: sql`now()` })
      .where(eq(telegramUsers.id, user.id));
    // Reviews are the Telegram user's, sent under this account or before it existed; their replies and
    // message ids cascade. A delivery still queued finds the review gone and skips it.
    const removedReviews = await tx
      .delete(reviews)
      .where(eq(reviews.telegramUserId, user.id))
      .returning({ id: reviews.id });
    await deleteConflictsOf(tx, user.id);
    if (guest?.accountId) await tx.delete(accounts).where(eq(accounts.id, guest.accountId));
    return { account: Boolean(guest?.accountId), reviews: removedReviews.length };
  });
}
