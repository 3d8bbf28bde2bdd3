import { readFileSync } from "node:fs";
import { consentTextVersion, pickLanguage } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { accounts, consents, telegramUsers } from "../db/schema";
import { importGuests } from "../guest-import/guest-import";
import { recordSourceEvent } from "../sources/attribution";
import { demoGuests } from "./demo-guests";

/** 1,000 fictional guests (a copy of shared/testdata): the demo restaurant's existing guest base. */
const demoGuestBase = new URL("./guests-1000.csv", import.meta.url);
const demoGuestBaseSize = 1000;

/** The demo's "known guest" is in the restaurant's guest base before they ever open the bot. */
export async function seedDemo(db: Database): Promise<void> {
  await db
    .insert(accounts)
    .values(
      demoGuests
        .filter((guest) => guest.role === "known guest")
        .map((guest) => ({
          phone: guest.phone,
          lastName: guest.lastName,
          firstName: guest.firstName,
          middleName: "Олеговна",
          gender: "female" as const,
          birthday: "1985-02-07",
          origin: "import" as const,
        })),
    )
    .onConflictDoNothing();
  // Through the manager's import code, as a restaurant would bring its base. Importing again would
  // only skip every row; a restart is quicker without reading the file at all.
  const [imported] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(accounts)
    .where(eq(accounts.origin, "import"));
  if (Number(imported?.count ?? 0) < demoGuestBaseSize) await importGuests(db, readFileSync(demoGuestBase));
  await seedDemoManager(db);
}

/**
 * The demo manager is a registered guest of their own restaurant already, so the launcher opens
 * straight onto the home screen with its "Manager tools" entry instead of the phone and the form.
 */
async function seedDemoManager(db: Database): Promise<void> {
  for (const manager of demoGuests.filter((guest) => guest.role === "manager")) {
    const [account] = await db
      .insert(accounts)
      .values({
        phone: manager.phone,
        lastName: manager.lastName,
        firstName: manager.firstName,
        origin: "registration",
      })
      .onConflictDoNothing()
      .returning({ id: accounts.id });
    if (!account) continue; // seeded on an earlier start
    await db
      .insert(telegramUsers)
      .values({
        id: manager.id,
        firstName: manager.firstName,
        lastName: manager.lastName,
        username: manager.username,
        languageCode: manager.languageCode,
        phone: manager.phone,
        phoneVerifiedAt: new Date(),
        accountId: account.id,
      })
      .onConflictDoNothing();
    // As if they had ticked the consent on the form, so "My data" shows a consistent history.
    const textVersion = `${consentTextVersion}/${pickLanguage(manager.languageCode)}`;
    await db.insert(consents).values([
      { accountId: account.id, kind: "personal_data", granted: true, textVersion },
      { accountId: account.id, kind: "marketing", granted: false, textVersion },
    ]);
    // The steps they took to get here, so the funnel adds up (no "registered" without a phone).
    for (const step of ["started", "phone_shared", "registered"] as const) {
      await recordSourceEvent(db, manager.id, step);
    }
  }
}
