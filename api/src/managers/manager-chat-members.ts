import { and, eq, sql } from "drizzle-orm";
import type { ChatMember, ChatMemberAdministrator, ChatMemberOwner } from "grammy/types";
import type { Database } from "../db/client";
import { managerChatMembers } from "../db/schema";
import type { Logger } from "../logger";

/**
 * The managers' chat as the database knows it (docs/decisions/017-hot-paths.md): who counts as a
 * member is decided from what Telegram told the bot, stored in `manager_chat_members`, so a guest's
 * `/api/me` and every manager request read one indexed row instead of calling getChatMember.
 */

/** Telegram statuses that make someone a member of the chat right now. */
export function isChatMember(member: Pick<ChatMember, "status"> & { is_member?: boolean }): boolean {
  switch (member.status) {
    case "creator":
    case "administrator":
    case "member":
      return true;
    case "restricted":
      // A restricted user may or may not still be in the chat; Telegram says which.
      return member.is_member === true;
    default:
      return false;
  }
}

export interface MembershipFact {
  userId: number;
  /** Telegram's status (creator, administrator, member, restricted, left, kicked). */
  status: string;
  isMember: boolean;
  /** When Telegram said so: a `chat_member` update's `date`, or the time of a Bot API answer. */
  asOf: Date;
}

export function membershipFact(member: ChatMember, asOf: Date): MembershipFact {
  return { userId: member.user.id, status: member.status, isMember: isChatMember(member), asOf };
}

/**
 * Stores what Telegram said about members of the chat. An older fact never overwrites a newer one
 * (updates and refreshes can cross), and a fact that changes nothing writes nothing.
 */
export async function recordMembership(
  db: Database,
  chatId: number,
  facts: MembershipFact[],
  options: { onlyIfNotMember?: boolean } = {},
): Promise<void> {
  if (facts.length === 0) return;
  // "Seen in the chat" says nothing about the status: it must not turn an administrator into a member.
  const unlessMember = options.onlyIfNotMember ? sql` and not ${managerChatMembers.isMember}` : sql``;
  await db
    .insert(managerChatMembers)
    .values(facts.map((fact) => ({ chatId, ...fact })))
    .onConflictDoUpdate({
      target: [managerChatMembers.chatId, managerChatMembers.userId],
      set: {
        status: sql`excluded.status`,
        isMember: sql`excluded.is_member`,
        asOf: sql`excluded.as_of`,
      },
      setWhere: sql`excluded.as_of >= ${managerChatMembers.asOf}
        and (excluded.status, excluded.is_member) is distinct from (${managerChatMembers.status}, ${managerChatMembers.isMember})${unlessMember}`,
    });
}

/**
 * The bot left the chat or was removed: it will hear nothing more about it, so nobody counts as a
 * member until it is back (failing closed, as a refused getChatMember did before).
 */
export async function forgetChatMembers(db: Database, chatId: number): Promise<void> {
  await db.delete(managerChatMembers).where(eq(managerChatMembers.chatId, chatId));
}

/** Whether the user is a member of the chat, as a boolean SQL expression (one index lookup). */
export function isChatMemberSql(chatId: number, userId: number) {
  return sql`exists (select 1 from ${managerChatMembers}
    where ${managerChatMembers.chatId} = ${chatId} and ${managerChatMembers.userId} = ${userId}
      and ${managerChatMembers.isMember})`;
}

/** The members the database knows of, for the refresh to check again. */
async function knownMembers(db: Database, chatId: number): Promise<number[]> {
  const rows = await db
    .select({ userId: managerChatMembers.userId })
    .from(managerChatMembers)
    .where(and(eq(managerChatMembers.chatId, chatId), eq(managerChatMembers.isMember, true)));
  return rows.map((row) => row.userId);
}

/** The Bot API calls the refresh makes; grammY's `Api` has them, and tests may hand in anything alike. */
export interface ChatMembersApi {
  getChatAdministrators(chatId: number): Promise<Array<ChatMemberOwner | ChatMemberAdministrator>>;
  getChatMember(chatId: number, userId: number): Promise<ChatMember>;
}

/** Telegram's answer when the bot is not in the chat (any more) or the chat is gone. */
function botLostTheChat(error: unknown): boolean {
  const status = (error as { error_code?: number }).error_code;
  return status === 400 || status === 403;
}

/**
 * Asks Telegram who is in the chat now: its administrators (all of them, in one call), and each
 * member the database knows of who is not one of them (getChatMember: the managers' chat is small).
 * Members who never showed themselves to the bot (they joined before it and never wrote to it) stay
 * unknown — Telegram offers no list of plain members. When Telegram says the bot is not in the chat
 * (400, 403), nobody counts as a member; when it cannot answer (network, 429, 5xx), the list stays as
 * it was and the next refresh tries again.
 */
export async function refreshChatMembers(
  db: Database,
  api: ChatMembersApi,
  chatId: number,
  logger?: Logger,
): Promise<"refreshed" | "bot_not_in_chat" | "failed"> {
  try {
    const asOf = new Date();
    const administrators = (await api.getChatAdministrators(chatId)).filter((member) => !member.user.is_bot);
    await recordMembership(
      db,
      chatId,
      administrators.map((member) => membershipFact(member, asOf)),
    );
    const seen = new Set(administrators.map((member) => member.user.id));
    for (const userId of await knownMembers(db, chatId)) {
      if (seen.has(userId)) continue;
      let fact: MembershipFact;
      try {
        fact = membershipFact(await api.getChatMember(chatId, userId), new Date());
      } catch (error) {
        // 400 for a user Telegram has never seen in the chat: simply not a member.
        if ((error as { error_code?: number }).error_code !== 400) throw error;
        fact = { userId, status: "left", isMember: false, asOf: new Date() };
      }
      await recordMembership(db, chatId, [fact]);
    }
    return "refreshed";
  } catch (error) {
    const status = (error as { error_code?: number }).error_code;
    if (botLostTheChat(error)) {
      logger?.warn({ status, chatId }, "managers' chat: the bot is not in it; nobody counts as a member");
      await forgetChatMembers(db, chatId);
      return "bot_not_in_chat";
    }
    logger?.warn({ status, chatId }, "managers' chat: could not refresh its members");
    return "failed";
  }
}

/** How often the refresh runs besides at start (README.md, The managers' chat). */
export const defaultRefreshIntervalMs = 10 * 60_000;

/** Refreshes the list at once and then every `intervalMs`; returns the stop. */
export function startChatMembersRefresh(options: {
  db: Database;
  api: ChatMembersApi;
  chatId: number;
  logger?: Logger;
  intervalMs?: number;
}): { stop(): Promise<void>; refreshNow(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const refreshNow = () => {
    running = running
      .catch(() => undefined)
      .then(() => refreshChatMembers(options.db, options.api, options.chatId, options.logger))
      .catch((error: unknown) => options.logger?.warn({ err: error }, "managers' chat: refresh failed"));
    return running.then(() => undefined);
  };
  void refreshNow();
  const timer = setInterval(() => void refreshNow(), options.intervalMs ?? defaultRefreshIntervalMs);
  timer.unref();
  return {
    refreshNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
