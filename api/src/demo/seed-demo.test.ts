import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import type { DatabaseConnection } from "../db/client";
import { accounts, cards, loyaltyPurchases } from "../db/schema";
import { readGuestLoyalty } from "../loyalty/guest-loyalty";
import { pointsOf } from "../loyalty/loyalty-test-kit";
import { listTillPurchases } from "../loyalty/till-purchases";
import { demoTillName } from "../pos/demo-till";
import { demoGuests } from "./demo-guests";
import { seedDemo } from "./seed-demo";

describe(`the demo's points (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  const db = () => database.db;
  const accountOf = async (role: "known guest" | "manager") => {
    const phone = demoGuests.find((guest) => guest.role === role)!.phone;
    const [account] = await db().select().from(accounts).where(eq(accounts.phone, phone));
    return account!.id;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("opens on balances, histories and the demo till's bills, and a restart adds none", async () => {
    await seedDemo(db());
    const known = await accountOf("known guest");
    const loyalty = await readGuestLoyalty(db(), known);
    // 245000 → +122; 189050 → +94; 312000 with 150 points → −150, +148 (⌊297000 × 5 / 10000⌋).
    expect(loyalty.balance).toBe(214);
    expect(loyalty.history.map((movement) => movement.points)).toEqual([148, -150, 94, 122]);
    expect(await pointsOf(db(), known)).toMatchObject({ balanceRow: 214, ledgerSum: 214 });
    const manager = await accountOf("manager");
    expect((await readGuestLoyalty(db(), manager)).balance).toBe(49);

    const list = await listTillPurchases(db(), demoTillName);
    expect(list.purchases).toHaveLength(9);
    expect(list.purchases.filter((purchase) => purchase.refundedAt !== null)).toHaveLength(1);
    expect(list.purchases.some((purchase) => purchase.guestName === "Дарья И.")).toBe(true);

    const cardsBefore = await db().$count(cards);
    await seedDemo(db());
    expect(await db().$count(loyaltyPurchases, eq(loyaltyPurchases.terminal, demoTillName))).toBe(9);
    expect(await db().$count(cards), "no card replaced or added").toBe(cardsBefore);
  });
});
