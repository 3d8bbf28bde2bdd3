import {
  type Account,
  consentTextVersion,
  pickLanguage,
  type RegistrationRequest,
  type TelegramUser,
  textOrNull,
} from "@guestcard/shared";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { accounts, consents, telegramUsers } from "../db/schema";
import { ApiError } from "../errors";
import { isUniqueViolation, linkAccount, rememberTelegramUser, toAccountDto } from "../guests/guests";
import { creditWelcomePoints } from "../loyalty/programme-points";
import { recordSourceEvent } from "../sources/attribution";

/**
 * The text version stored with a consent names the language too: the guest saw the texts of
 * `consentTextVersion` in the language the Mini App picked for them, which `pickLanguage` decides
 * the same way on both sides.
 */
export function consentVersionFor(user: TelegramUser): string {
  return `${consentTextVersion}/${pickLanguage(user.languageCode)}`;
}

/**
 * Creates the guest's loyalty account under the phone they shared with the bot, links it to their
 * Telegram user and records both consents. At most one account per guest, however often the form
 * is submitted: the Telegram user's row is locked for the duration, so a double tap waits for the
 * first submit and then finds the guest registered.
 */
export async function registerGuest(
  db: Database,
  user: TelegramUser,
  input: RegistrationRequest,
): Promise<Account> {
  await rememberTelegramUser(db, user);
  let outcome: { created: Account } | { existingAccountId: string };
  try {
    outcome = await db.transaction(async (tx) => {
      const [guest] = await tx
        .select({
          phone: telegramUsers.phone,
          accountId: telegramUsers.accountId,
          sourceId: telegramUsers.sourceId,
        })
        .from(telegramUsers)
        .where(eq(telegramUsers.id, user.id))
        .for("update");
      if (!guest?.phone) throw new ApiError("phone_required", "Share your phone number with the bot first.");
      if (guest.accountId) throw new ApiError("already_registered", "You are already registered.");

      const [existing] = await tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.phone, guest.phone));
      if (existing) return { existingAccountId: existing.id };

      const [account] = await tx
        .insert(accounts)
        .values({
          phone: guest.phone,
          lastName: input.lastName,
          firstName: input.firstName,
          middleName: textOrNull(input.middleName),
          gender: input.gender ?? null,
          birthday: textOrNull(input.birthday),
          email: textOrNull(input.email),
          origin: "registration",
        })
        .returning();
      if (!account) throw new Error("insert returned no account");

      await tx
        .update(telegramUsers)
        .set({ accountId: account.id, updatedAt: sql`now()` })
        .where(and(eq(telegramUsers.id, user.id), isNull(telegramUsers.accountId)));

      const textVersion = consentVersionFor(user);
      // The marketing choice is recorded either way: a "no" shows the guest was asked.
      await tx.insert(consents).values([
        { accountId: account.id, kind: "personal_data", granted: true, textVersion },
        { accountId: account.id, kind: "marketing", granted: input.consents.marketing === true, textVersion },
      ]);

      await recordSourceEvent(tx, user.id, "registered");
      await creditWelcomePoints(tx, account.id);
      return { created: toAccountDto(account) };
    });
  } catch (error) {
    // Someone else's account took this phone between our check and our insert (an import, say).
    if (isUniqueViolation(error)) throw new ApiError("phone_conflict", phoneConflictMessage);
    throw error;
  }
  if ("created" in outcome) return outcome.created;
  throw await alreadyHasAccount(db, user.id, outcome.existingAccountId);
}

const phoneConflictMessage =
  "This phone belongs to an account linked to another Telegram user; ask the staff.";

/**
 * The shared phone already has an account (a known guest imported after /api/me last looked).
 * Link it when it is free, as /api/me would; never take it from another Telegram user.
 */
async function alreadyHasAccount(db: Database, telegramUserId: number, accountId: string): Promise<ApiError> {
  return (await linkAccount(db, telegramUserId, accountId))
    ? new ApiError("already_registered", "Your phone already has an account; it is now linked to you.")
    : new ApiError("phone_conflict", phoneConflictMessage);
}
