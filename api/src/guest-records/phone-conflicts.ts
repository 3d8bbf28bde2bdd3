import type { PhoneConflict, PhoneConflictStatus, TelegramPerson } from "@guestcard/shared";
import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { OutgoingMessages } from "../bot/bot-messages";
import { textsFor } from "../bot/texts";
import type { Database } from "../db/client";
import { accounts, managerActions, phoneConflicts, telegramUsers } from "../db/schema";
import { ApiError } from "../errors";
import { isUniqueViolation } from "../guests/guests";
import type { DatabaseOrTransaction } from "../outbox/outbox";
import { toGuestSummary } from "./guest-records";

/*
 * Phone conflicts (docs/api.md, "Manager"): the bot records one when a guest shares a verified phone
 * whose account another Telegram user holds; nothing moves until a manager decides. Resolving moves
 * the account to the guest who shared the phone; dismissing leaves it. Either way with a reason, an
 * audit row (`manager_actions`) and a message to the guests concerned, through the outbox.
 */

const holders = alias(telegramUsers, "holder");
const claimants = alias(telegramUsers, "claimant");

type PersonRow = typeof telegramUsers.$inferSelect;
const person = (row: PersonRow): TelegramPerson => ({
  id: row.id,
  firstName: row.firstName,
  lastName: row.lastName,
  username: row.username,
});

/**
 * Records a conflict, inside the bot update's transaction; the open one already on record for the
 * same account and guest is kept (sharing the number again is the same conflict). Returns its id.
 */
export async function recordPhoneConflict(
  db: DatabaseOrTransaction,
  conflict: {
    phone: string;
    accountId: string;
    holderTelegramUserId: number | null;
    claimantTelegramUserId: number;
  },
): Promise<number> {
  const [inserted] = await db
    .insert(phoneConflicts)
    .values(conflict)
    .onConflictDoNothing()
    .returning({ id: phoneConflicts.id });
  if (inserted) return inserted.id;
  const [open] = await db
    .select({ id: phoneConflicts.id })
    .from(phoneConflicts)
    .where(
      and(
        eq(phoneConflicts.accountId, conflict.accountId),
        eq(phoneConflicts.claimantTelegramUserId, conflict.claimantTelegramUserId),
        eq(phoneConflicts.status, "open"),
      ),
    );
  if (!open) throw new Error("a phone conflict was neither inserted nor found open");
  return open.id;
}

async function loadConflicts(
  db: DatabaseOrTransaction,
  where: ReturnType<typeof eq> | undefined,
): Promise<PhoneConflict[]> {
  const rows = await db
    .select({ conflict: phoneConflicts, account: accounts, holder: holders, claimant: claimants })
    .from(phoneConflicts)
    .innerJoin(claimants, eq(claimants.id, phoneConflicts.claimantTelegramUserId))
    .leftJoin(holders, eq(holders.id, phoneConflicts.holderTelegramUserId))
    .leftJoin(accounts, eq(accounts.id, phoneConflicts.accountId))
    .where(where)
    .orderBy(desc(phoneConflicts.createdAt), desc(phoneConflicts.id))
    .limit(200);
  return rows.map(({ conflict, account, holder, claimant }) => ({
    id: conflict.id,
    status: conflict.status,
    phone: conflict.phone,
    createdAt: conflict.createdAt.toISOString(),
    account: account ? toGuestSummary(account) : null,
    holder: holder ? person(holder) : null,
    claimant: person(claimant),
    decidedAt: conflict.decidedAt?.toISOString() ?? null,
    reason: conflict.reason,
  }));
}

/** Conflicts in a status (or all), newest first, at most 200. */
export function listPhoneConflicts(
  db: Database,
  status: PhoneConflictStatus | "all",
): Promise<PhoneConflict[]> {
  return loadConflicts(db, status === "all" ? undefined : eq(phoneConflicts.status, status));
}

export async function readPhoneConflict(db: DatabaseOrTransaction, id: number): Promise<PhoneConflict> {
  const [conflict] = await loadConflicts(db, eq(phoneConflicts.id, id));
  if (!conflict) throw new ApiError("not_found", "There is no such phone conflict.");
  return conflict;
}

export interface ConflictDecision {
  conflictId: number;
  managerTelegramId: number;
  reason: string;
  /** The restaurant's name, for the guests' messages. */
  restaurantName: string;
}

/** What a decision answers with, and the outbox jobs of its messages, to deliver after the commit. */
export interface DecisionOutcome {
  conflict: PhoneConflict;
  jobIds: number[];
}

/**
 * Moves the conflict's account to the guest who shared the phone. In one transaction, under the
 * account's row lock (two decisions about one account are taken one after the other): the holder's
 * link and verified phone are cleared (the number is no longer theirs: sharing a new one starts them
 * afresh), the claimant is linked, the conflict is marked resolved, an audit row is written and both
 * guests' messages are queued. `409 conflict` when it is already decided or the situation changed
 * since it was recorded (the account moved, the guest no longer has that phone).
 */
export async function resolvePhoneConflict(
  db: Database,
  decision: ConflictDecision,
): Promise<DecisionOutcome> {
  try {
    return await db.transaction(async (tx) => {
      const conflict = await lockOpenConflict(tx, decision.conflictId);
      const accountId = conflict.accountId;
      const [holder] = await tx
        .select()
        .from(telegramUsers)
        .where(eq(telegramUsers.accountId, accountId))
        .for("update");
      const [claimant] = await tx
        .select()
        .from(telegramUsers)
        .where(eq(telegramUsers.id, conflict.claimantTelegramUserId))
        .for("update");
      const [account] = await tx.select().from(accounts).where(eq(accounts.id, accountId));
      if (
        !claimant ||
        !account ||
        claimant.accountId !== null ||
        claimant.phone !== account.phone ||
        (holder?.id ?? null) !== conflict.holderTelegramUserId
      ) {
        throw new ApiError(
          "conflict",
          "The situation changed since the conflict was recorded: open the guest's record again.",
        );
      }
      if (holder) {
        await tx
          .update(telegramUsers)
          .set({ accountId: null, phone: null, phoneVerifiedAt: null, updatedAt: sql`now()` })
          .where(eq(telegramUsers.id, holder.id));
      }
      await tx
        .update(telegramUsers)
        .set({ accountId, updatedAt: sql`now()` })
        .where(eq(telegramUsers.id, claimant.id));
      await decide(tx, decision, "resolved");
      await tx.insert(managerActions).values({
        managerTelegramId: decision.managerTelegramId,
        action: "phone_conflict_resolved",
        accountId,
        reason: decision.reason,
        details: { conflictId: conflict.id, from: holder?.id ?? null, to: claimant.id },
      });
      const messages = new OutgoingMessages();
      messages.add(
        claimant.id,
        textsFor(claimant.languageCode).conflictResolvedForClaimant(decision.restaurantName),
      );
      if (holder) {
        messages.add(
          holder.id,
          textsFor(holder.languageCode).conflictResolvedForHolder(decision.restaurantName),
        );
      }
      const jobIds = await messages.enqueue(tx);
      return { conflict: await readPhoneConflict(tx, conflict.id), jobIds };
    });
  } catch (error) {
    // The claimant was linked to some account by a concurrent change: decided elsewhere, not a fault.
    if (isUniqueViolation(error)) throw new ApiError("conflict", "The account changed meanwhile; try again.");
    throw error;
  }
}

/** Leaves everything as it is: the conflict is closed with a reason, the guest who shared the phone is told. */
export async function dismissPhoneConflict(
  db: Database,
  decision: ConflictDecision,
): Promise<DecisionOutcome> {
  return db.transaction(async (tx) => {
    const conflict = await lockOpenConflict(tx, decision.conflictId);
    await decide(tx, decision, "dismissed");
    await tx.insert(managerActions).values({
      managerTelegramId: decision.managerTelegramId,
      action: "phone_conflict_dismissed",
      accountId: conflict.accountId,
      reason: decision.reason,
      details: { conflictId: conflict.id, claimant: conflict.claimantTelegramUserId },
    });
    const [claimant] = await tx
      .select({ languageCode: telegramUsers.languageCode })
      .from(telegramUsers)
      .where(eq(telegramUsers.id, conflict.claimantTelegramUserId));
    const messages = new OutgoingMessages();
    messages.add(
      conflict.claimantTelegramUserId,
      textsFor(claimant?.languageCode).conflictDismissedForClaimant(decision.restaurantName),
    );
    const jobIds = await messages.enqueue(tx);
    return { conflict: await readPhoneConflict(tx, conflict.id), jobIds };
  });
}

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * The conflict, open, with its account locked first and then its own row: every decision about an
 * account takes the account's lock before anything else, so two of them cannot interleave.
 */
async function lockOpenConflict(tx: Transaction, id: number) {
  const [found] = await tx
    .select({ accountId: phoneConflicts.accountId })
    .from(phoneConflicts)
    .where(eq(phoneConflicts.id, id));
  if (!found) throw new ApiError("not_found", "There is no such phone conflict.");
  if (found.accountId) {
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, found.accountId)).for("update");
  }
  const [conflict] = await tx.select().from(phoneConflicts).where(eq(phoneConflicts.id, id)).for("update");
  if (!conflict?.accountId) throw new ApiError("not_found", "There is no such phone conflict.");
  if (conflict.status !== "open") {
    throw new ApiError("conflict", `This phone conflict is already ${conflict.status}.`);
  }
  return { ...conflict, accountId: conflict.accountId };
}

async function decide(tx: Transaction, decision: ConflictDecision, status: "resolved" | "dismissed") {
  await tx
    .update(phoneConflicts)
    .set({ status, decidedAt: sql`now()`, decidedBy: decision.managerTelegramId, reason: decision.reason })
    .where(eq(phoneConflicts.id, decision.conflictId));
}

/** Open conflicts a guest is party to, as the one who shared the phone: they go when the guest deletes their data. */
export async function deleteConflictsOf(tx: DatabaseOrTransaction, telegramUserId: number): Promise<void> {
  await tx.delete(phoneConflicts).where(eq(phoneConflicts.claimantTelegramUserId, telegramUserId));
}
