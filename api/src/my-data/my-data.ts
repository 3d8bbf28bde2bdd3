import type { ConsentRecord, MyDataResponse, TelegramUser } from "@guestcard/shared";
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { accounts, cards, consents, reviews, telegramUsers } from "../db/schema";
import { ApiError } from "../errors";
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
  const [row] = await db
    .select({ telegram: telegramUsers, account: accounts })
    .from(telegramUsers)
    .leftJoin(accounts, eq(accounts.id, telegramUsers.accountId))
    .where(eq(telegramUsers.id, user.id));
  if (!row) throw new Error("the Telegram user was just stored but is missing");
  const { telegram, account } = row;

  const guestReviews = await db
    .select({ id: reviews.id, text: reviews.text, rating: reviews.rating, createdAt: reviews.createdAt })
    .from(reviews)
    .where(eq(reviews.telegramUserId, user.id))
    .orderBy(desc(reviews.createdAt));
  const [cardCount] = account
    ? await db.select({ value: count() }).from(cards).where(eq(cards.accountId, account.id))
    : [{ value: 0 }];

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
    consents: account ? await consentHistory(db, account.id) : [],
    reviews: guestReviews.map((review) => ({ ...review, createdAt: iso(review.createdAt) })),
    cardsIssued: cardCount?.value ?? 0,
  };
}

/**
 * Withdraws marketing consent by appending a withdrawal to the history (the grant stays on record,
 * as proof of what was agreed and when). Withdrawing twice records nothing new.
 */
export async function withdrawMarketingConsent(db: Database, user: TelegramUser): Promise<ConsentRecord[]> {
  const [guest] = await db
    .select({ accountId: telegramUsers.accountId })
    .from(telegramUsers)
    .where(eq(telegramUsers.id, user.id));
  const accountId = guest?.accountId;
  if (!accountId)
    throw new ApiError("registration_required", "Register first: there is no consent to withdraw.");

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

/**
 * Deletes the guest's account and personal data and unlinks their Telegram user, so the bot treats
 * them as a new guest. The account row goes with its cards and consents (foreign keys cascade);
 * the verified phone is cleared from the Telegram user. What stays: the Telegram profile Telegram
 * itself sends us on every launch, and the texts of reviews already delivered to the managers,
 * no longer tied to any account. Safe to repeat.
 */
export async function deleteMyData(db: Database, user: TelegramUser): Promise<void> {
  await db.transaction(async (tx) => {
    const [guest] = await tx
      .select({ accountId: telegramUsers.accountId })
      .from(telegramUsers)
      .where(eq(telegramUsers.id, user.id))
      .for("update");
    await tx
      .update(telegramUsers)
      .set({ accountId: null, phone: null, phoneVerifiedAt: null, updatedAt: sql`now()` })
      .where(eq(telegramUsers.id, user.id));
    if (guest?.accountId) await tx.delete(accounts).where(eq(accounts.id, guest.accountId));
  });
}
