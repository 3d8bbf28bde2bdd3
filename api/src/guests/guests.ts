import type { Account, GuestStatus, TelegramUser } from "@guestcard/shared";
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { accounts, telegramUsers } from "../db/schema";
import { creditWelcomePoints } from "../loyalty/programme-points";

export type AccountRow = typeof accounts.$inferSelect;

export interface GuestState {
  status: GuestStatus;
  phone: string | null;
  account: AccountRow | null;
}

/** Keeps our copy of the Telegram profile current; the verified phone and the link are untouched. */
export async function rememberTelegramUser(db: Database, user: TelegramUser): Promise<void> {
  const profile = {
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username,
    languageCode: user.languageCode,
  };
  await db
    .insert(telegramUsers)
    .values({ id: user.id, ...profile })
    .onConflictDoUpdate({ target: telegramUsers.id, set: { ...profile, updatedAt: sql`now()` } });
}

/**
 * Where a Telegram user stands, linking them on the way when their verified phone belongs to an
 * account nobody has claimed yet (a known guest, e.g. imported after they shared the phone).
 * An account already linked to another Telegram user is never moved: that is a `phone_conflict`.
 */
export async function resolveGuest(db: Database, telegramUserId: number): Promise<GuestState> {
  const [row] = await db
    .select({ phone: telegramUsers.phone, account: accounts })
    .from(telegramUsers)
    .leftJoin(accounts, eq(accounts.id, telegramUsers.accountId))
    .where(eq(telegramUsers.id, telegramUserId));
  if (!row?.phone) return { status: "needs_phone", phone: null, account: null };
  if (row.account) return { status: "registered", phone: row.phone, account: row.account };

  const [owner] = await db.select().from(accounts).where(eq(accounts.phone, row.phone));
  if (!owner) return { status: "needs_registration", phone: row.phone, account: null };
  if (await linkAccount(db, telegramUserId, owner.id)) {
    return { status: "registered", phone: row.phone, account: owner };
  }
  return { status: "phone_conflict", phone: row.phone, account: null };
}

/**
 * Links the account to the Telegram user unless another Telegram user holds it; true when linked.
 * A known (imported) guest joins the points programme here: the welcome points come with the link.
 */
export async function linkAccount(db: Database, telegramUserId: number, accountId: string): Promise<boolean> {
  try {
    // In a savepoint of its own: inside a caller's transaction (a bot update's), a unique violation
    // would otherwise abort the whole transaction, not just this statement.
    return await db.transaction(async (savepoint) => {
      const linked = await savepoint
        .update(telegramUsers)
        .set({ accountId, updatedAt: sql`now()` })
        .where(
          and(
            eq(telegramUsers.id, telegramUserId),
            isNull(telegramUsers.accountId),
            sql`not exists (select 1 from ${telegramUsers} other where other.account_id = ${accountId} and other.id <> ${telegramUserId})`,
          ),
        )
        .returning({ id: telegramUsers.id });
      if (linked.length === 1) await creditWelcomePoints(savepoint, accountId);
      return linked.length === 1;
    });
  } catch (error) {
    // Two users racing for the same account: the unique index lets one win; the other is a conflict.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export type PhoneShareOutcome = "linked" | "needs_registration" | "phone_conflict" | "already_registered";

/**
 * The guest shared their own, verified phone (E.164). Stores it and resolves the account:
 * link a known guest, invite a new one to register, or report a conflict without moving anything.
 */
export async function acceptVerifiedPhone(
  db: Database,
  user: TelegramUser,
  phone: string,
): Promise<{ outcome: PhoneShareOutcome; state: GuestState }> {
  await rememberTelegramUser(db, user);
  const [current] = await db
    .select({ accountId: telegramUsers.accountId })
    .from(telegramUsers)
    .where(eq(telegramUsers.id, user.id));
  await db
    .update(telegramUsers)
    .set({ phone, phoneVerifiedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(telegramUsers.id, user.id));
  const state = await resolveGuest(db, user.id);
  if (current?.accountId) return { outcome: "already_registered", state };
  const outcome: PhoneShareOutcome =
    state.status === "registered"
      ? "linked"
      : state.status === "phone_conflict"
        ? "phone_conflict"
        : "needs_registration";
  return { outcome, state };
}

/** The other Telegram user holding the account with this phone, for a manager alert on conflict. */
export async function phoneHolder(db: Database, phone: string, exceptTelegramUserId: number) {
  const [holder] = await db
    .select({ id: telegramUsers.id, firstName: telegramUsers.firstName, username: telegramUsers.username })
    .from(telegramUsers)
    .innerJoin(accounts, eq(accounts.id, telegramUsers.accountId))
    .where(and(eq(accounts.phone, phone), ne(telegramUsers.id, exceptTelegramUserId)));
  return holder ?? null;
}

export function toAccountDto(row: AccountRow): Account {
  return {
    id: row.id,
    lastName: row.lastName,
    firstName: row.firstName,
    middleName: row.middleName,
    gender: row.gender,
    birthday: row.birthday,
    phone: row.phone,
    email: row.email,
  };
}

export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
