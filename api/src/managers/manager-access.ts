import { type SQL, sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { type Database, selectRows } from "../db/client";
import { ApiError } from "../errors";
import type { GuestVariables } from "../telegram/init-data-auth";
import { isChatMemberSql } from "./manager-chat-members";

export { isChatMember } from "./manager-chat-members";

/**
 * Who may use the manager API: ids from ADMIN_TELEGRAM_IDS, plus members of the managers' chat as
 * the database knows them (`manager_chat_members`, kept by the bot and a refresh:
 * managers/manager-chat-members.ts). Never a call to Telegram: a guest's open does not wait on it.
 */
export interface ManagerAccess {
  isManager(telegramUserId: number): Promise<boolean>;
  /** The same answer as a boolean SQL expression, so `/api/me` reads it in its one statement. */
  isManagerSql(telegramUserId: number): SQL;
}

export interface ManagerAccessOptions {
  db: Database;
  adminTelegramIds: readonly number[];
  /** MANAGER_CHAT_ID; without it only the admin ids are managers. */
  managerChatId?: number | undefined;
}

export function createManagerAccess(options: ManagerAccessOptions): ManagerAccess {
  const admins = new Set(options.adminTelegramIds);
  const { managerChatId, db } = options;
  const isManagerSql = (telegramUserId: number): SQL => {
    if (admins.has(telegramUserId)) return sql`true`;
    if (managerChatId === undefined) return sql`false`;
    return isChatMemberSql(managerChatId, telegramUserId);
  };
  return {
    isManagerSql,
    isManager: async (telegramUserId) => {
      if (admins.has(telegramUserId)) return true;
      if (managerChatId === undefined) return false;
      const [row] = await selectRows<{ is_manager: boolean }>(
        db,
        sql`select ${isManagerSql(telegramUserId)} as is_manager`,
      );
      return row?.is_manager === true;
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
