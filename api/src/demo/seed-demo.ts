import { readFileSync } from "node:fs";
import { consentTextVersion, pickLanguage } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import { issueCard } from "../card/cards";
import type { Database } from "../db/client";
import { accounts, consents, loyaltyPurchases, telegramUsers } from "../db/schema";
import { importGuests } from "../guest-import/guest-import";
import { recordPurchase, refundPurchase } from "../loyalty/till-payments";
import { demoTillName } from "../pos/demo-till";
import { identifyAtTill } from "../pos/identify";
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
  await seedDemoPoints(db);
}

/** The demo's bills (total in minor units, points spent), per demo guest; a bill with `refund` is refunded. */
interface DemoBills {
  phone: string;
  bills: Array<{ total: number; redeem?: number; refund?: boolean }>;
}
const demoBills: DemoBills[] = [
  // The known guest (Дарья): three visits, points spent on the third.
  {
    phone: demoGuests.find((guest) => guest.role === "known guest")?.phone ?? "",
    bills: [{ total: 245_000 }, { total: 189_050 }, { total: 312_000, redeem: 150 }],
  },
  // The manager, a guest of their own restaurant: a bill, and one refunded.
  {
    phone: demoGuests.find((guest) => guest.role === "manager")?.phone ?? "",
    bills: [{ total: 98_000 }, { total: 54_000, refund: true }],
  },
];

/** Guests of the imported base who also dined, so the demo till's list has more than two names. */
const demoBaseDiners = 4;

/**
 * A few bills at the demo till, through the same database functions a till's calls use (card, identify,
 * purchase, refund), so /demo opens on balances and a history, and the cashier page on a list of bills.
 * Once: a restart finds the demo till's bills and adds none (nor replaces anyone's card).
 */
async function seedDemoPoints(db: Database): Promise<void> {
  const [seeded] = await db
    .select({ id: loyaltyPurchases.id })
    .from(loyaltyPurchases)
    .where(eq(loyaltyPurchases.terminal, demoTillName))
    .limit(1);
  if (seeded) return;
  const diners = await db
    .select({ phone: accounts.phone })
    .from(accounts)
    .where(eq(accounts.origin, "import"))
    .orderBy(accounts.phone)
    .limit(demoBaseDiners + 1);
  const plan: DemoBills[] = [
    ...demoBills,
    ...diners
      .filter((diner) => !demoBills.some((entry) => entry.phone === diner.phone))
      .slice(0, demoBaseDiners)
      .map((diner, index) => ({ phone: diner.phone, bills: [{ total: 120_000 + index * 35_550 }] })),
  ];
  for (const { phone, bills } of plan) {
    const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, phone));
    if (!account) continue;
    const card = await issueCard(db, { accountId: account.id }, { seconds: 300 });
    if (!card) continue;
    const identified = await identifyAtTill(db, demoTillName, { kind: "pin", digits: card.pin });
    if (identified.outcome !== "identified") continue;
    for (const [index, bill] of bills.entries()) {
      const answer = await recordPurchase(db, {
        terminal: demoTillName,
        idempotencyKey: `demo-seed-${account.id}-${index}`,
        request: {
          identificationId: identified.response.identification.id,
          checkId: `D-${1001 + index}`,
          total: bill.total,
          redeem: bill.redeem ?? 0,
        },
      });
      if (answer.status !== 201 || !bill.refund) continue;
      const { purchase } = answer.body as { purchase: { id: string } };
      await refundPurchase(db, {
        terminal: demoTillName,
        idempotencyKey: `demo-seed-refund-${purchase.id}`,
        purchaseId: purchase.id,
      });
    }
  }
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
