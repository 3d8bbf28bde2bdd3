import type { ChatMember } from "grammy/types";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { Logger } from "../logger";
import type { GuestVariables } from "../telegram/init-data-auth";

/** Who may use the manager API: ids from ADMIN_TELEGRAM_IDS, plus members of the managers' chat. */
export interface ManagerAccess {
  isManager(telegramUserId: number): Promise<boolean>;
}

/** The one Bot API call this needs; grammY's `Api` has it, and tests may hand in anything shaped alike. */
export interface ChatMemberLookup {
  getChatMember(chatId: number, userId: number): Promise<ChatMember>;
}

export interface ManagerAccessOptions {
  adminTelegramIds: readonly number[];
  /** MANAGER_CHAT_ID; without it only the admin ids are managers. */
  managerChatId?: number | undefined;
  telegram?: ChatMemberLookup | undefined;
  /**
   * How long a membership answer is trusted. Someone removed from the managers' chat keeps access
   * at most this long; a shorter time costs a Bot API call per manager request.
   */
  cacheTtlMs?: number;
  /**
   * How long "not a member" is trusted. Every guest's /api/me asks, so this answer is the common one;
   * keeping it longer spares Telegram's rate limit, and only delays a newly added manager's entry.
   */
  nonMemberCacheTtlMs?: number;
  /** How long a failed lookup (Telegram down, rate limited) is remembered before asking again. */
  failureTtlMs?: number;
  /** The clock, injectable so tests can let the cache expire without waiting. */
  now?: () => number;
  logger?: Logger;
}

export const defaultManagerCacheTtlMs = 5 * 60_000;
export const defaultNonMemberCacheTtlMs = 30 * 60_000;
const defaultFailureTtlMs = 15_000;
/** Every guest's /api/me asks too; forget the oldest answers past this many so memory stays bounded. */
const maxCachedUsers = 10_000;

/** Telegram statuses that make someone a member of the chat right now. */
export function isChatMember(member: ChatMember): boolean {
  switch (member.status) {
    case "creator":
    case "administrator":
    case "member":
      return true;
    case "restricted":
      // A restricted user may or may not still be in the chat; Telegram says which.
      return member.is_member;
    default:
      return false;
  }
}

export function createManagerAccess(options: ManagerAccessOptions): ManagerAccess {
  const admins = new Set(options.adminTelegramIds);
  const { managerChatId, telegram, logger } = options;
  const now = options.now ?? Date.now;
  const cacheTtlMs = options.cacheTtlMs ?? defaultManagerCacheTtlMs;
  const nonMemberCacheTtlMs = options.nonMemberCacheTtlMs ?? defaultNonMemberCacheTtlMs;
  const failureTtlMs = options.failureTtlMs ?? defaultFailureTtlMs;
  const cache = new Map<number, { isManager: boolean; expiresAt: number }>();
  // Concurrent requests of one user share one Bot API call.
  const pending = new Map<number, Promise<boolean>>();

  const remember = (telegramUserId: number, isManager: boolean, ttlMs: number) => {
    cache.delete(telegramUserId);
    if (cache.size >= maxCachedUsers) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(telegramUserId, { isManager, expiresAt: now() + ttlMs });
  };

  const askTelegram = async (chatId: number, lookup: ChatMemberLookup, telegramUserId: number) => {
    try {
      const isMember = isChatMember(await lookup.getChatMember(chatId, telegramUserId));
      remember(telegramUserId, isMember, isMember ? cacheTtlMs : nonMemberCacheTtlMs);
      return isMember;
    } catch (error) {
      // Telegram answers 400 for a user it has never seen in the chat: that is simply "not a member".
      const status = (error as { error_code?: number }).error_code;
      if (status === 400) {
        remember(telegramUserId, false, nonMemberCacheTtlMs);
        return false;
      }
      // Anything else (network, 429, 5xx): refuse for now and ask again soon. Failing closed
      // keeps a removed manager out even while Telegram cannot confirm it.
      logger?.warn({ status, telegramUserId }, "manager check: getChatMember failed");
      remember(telegramUserId, false, failureTtlMs);
      return false;
    }
  };

  return {
    isManager: async (telegramUserId) => {
      if (admins.has(telegramUserId)) return true;
      if (managerChatId === undefined || telegram === undefined) return false;
      const cached = cache.get(telegramUserId);
      if (cached && cached.expiresAt > now()) return cached.isManager;
      const inFlight = pending.get(telegramUserId);
      if (inFlight) return inFlight;
      const lookup = askTelegram(managerChatId, telegram, telegramUserId).finally(() =>
        pending.delete(telegramUserId),
      );
      pending.set(telegramUserId, lookup);
      return lookup;
    },
  };
}

/**
 * Guards every `/api/manager/*` route; runs after initData authentication.
 * It answers 403 before the body is read: a non-manager learns nothing from the manager API (not
 * even which fields it validates) and cannot make the server read a 20 MB upload.
 */
export function requireManager(access: ManagerAccess) {
  return createMiddleware<{ Variables: GuestVariables }>(async (c, next) => {
    if (!(await access.isManager(c.get("launch").user.id))) {
      throw new ApiError("forbidden", "Only the restaurant's managers may do this.");
    }
    await next();
  });
}
