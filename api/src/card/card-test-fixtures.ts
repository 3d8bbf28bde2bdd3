import type { Database } from "../db/client";
import { accounts, telegramUsers } from "../db/schema";
import type { LaunchUser } from "../demo/launch-url";

export interface RegisteredGuest {
  user: LaunchUser;
  accountId: string;
  phone: string;
}

/**
 * Registered guests straight in the database (a linked Telegram user and account, as registration
 * leaves them), in bulk: card and till tests need hundreds, and registration has its own tests.
 */
export async function registerGuests(
  db: Database,
  count: number,
  options: { firstTelegramId?: number; lastName?: string } = {},
): Promise<RegisteredGuest[]> {
  const firstId = options.firstTelegramId ?? 500_000;
  const people = Array.from({ length: count }, (_, index) => ({
    telegramId: firstId + index,
    phone: `+7916${String(firstId + index)
      .padStart(7, "0")
      .slice(-7)}`,
    firstName: `Guest${index}`,
  }));
  const created = await db
    .insert(accounts)
    .values(
      people.map((person) => ({
        phone: person.phone,
        firstName: person.firstName,
        lastName: options.lastName ?? "Иванова",
        email: `${person.firstName.toLowerCase()}@example.com`,
        birthday: "1990-05-31",
        origin: "registration" as const,
      })),
    )
    .returning({ id: accounts.id, phone: accounts.phone });
  const accountIdByPhone = new Map(created.map((row) => [row.phone, row.id]));
  await db.insert(telegramUsers).values(
    people.map((person) => ({
      id: person.telegramId,
      firstName: person.firstName,
      phone: person.phone,
      phoneVerifiedAt: new Date(),
      accountId: accountIdByPhone.get(person.phone),
    })),
  );
  return people.map((person) => ({
    user: { id: person.telegramId, firstName: person.firstName, languageCode: "ru" },
    accountId: accountIdByPhone.get(person.phone) ?? "",
    phone: person.phone,
  }));
}
