/** Who may use the manager API: ids from ADMIN_TELEGRAM_IDS, plus members of the managers' chat. */
export interface ManagerAccess {
  isManager(telegramUserId: number): Promise<boolean>;
}

export function createManagerAccess(options: { adminTelegramIds: readonly number[] }): ManagerAccess {
  const admins = new Set(options.adminTelegramIds);
  return {
    isManager: async (telegramUserId) => admins.has(telegramUserId),
  };
}
