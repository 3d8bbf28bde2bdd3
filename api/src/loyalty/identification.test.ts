import { withDammCheckDigit } from "@guestcard/shared";
import { and, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import { issueCard } from "../card/cards";
import type { DatabaseConnection } from "../db/client";
import { cardIdentifications } from "../db/schema";
import { identifyAtTill } from "../pos/identify";
import { updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import { purchase } from "./loyalty-test-kit";

describe(`identify: the identification and the guest's points (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  let nextTelegramId = 71_000;
  const db = () => database.db;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  async function readCard(options: { terminal?: string; ttl?: number } = {}) {
    const [guest] = await registerGuests(db(), 1, { firstTelegramId: nextTelegramId++ });
    const card = await issueCard(db(), { accountId: guest!.accountId }, { seconds: 300 });
    const result = await identifyAtTill(
      db(),
      options.terminal ?? "till-1",
      { kind: "pin", digits: card!.pin },
      undefined,
      options.ttl,
    );
    if (result.outcome !== "identified") throw new Error(result.outcome);
    return { accountId: guest!.accountId, card: card!, response: result.response };
  }

  it("makes the audit row of a successful read the identification: a random id, valid for the TTL", async () => {
    const { accountId, response } = await readCard({ ttl: 43_200 });
    const [row] = await db()
      .select()
      .from(cardIdentifications)
      .where(eq(cardIdentifications.publicId, response.identification.id));
    expect(row).toMatchObject({ accountId, outcome: "identified", terminal: "till-1" });
    expect(new Date(response.identification.validUntil).getTime() - row!.at.getTime()).toBe(43_200_000);
    expect(row!.validUntil?.toISOString()).toBe(response.identification.validUntil);
  });

  it("answers ids no till can derive from another (no counting to someone else's bill)", async () => {
    const ids = [];
    for (let index = 0; index < 5; index++) ids.push((await readCard()).response.identification.id);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) {
      // UUID version 7: the read's time in milliseconds, then random bits (74 of them).
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const readAt = Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
      expect(Math.abs(readAt - Date.now())).toBeLessThan(60_000);
    }
    // The guessable sequence number stays inside the database.
    const [internal] = await db()
      .select({ id: cardIdentifications.id })
      .from(cardIdentifications)
      .where(eq(cardIdentifications.publicId, ids[0]!));
    expect(ids).not.toContain(String(internal!.id));
  });

  it("makes no identification of a miss", async () => {
    const before = await db().$count(cardIdentifications, isNotNull(cardIdentifications.publicId));
    const miss = await identifyAtTill(db(), "till-9", { kind: "pin", digits: withDammCheckDigit("99999") });
    expect(miss.outcome).toBe("not_found");
    expect(await db().$count(cardIdentifications, isNotNull(cardIdentifications.publicId))).toBe(before);
    const [row] = await db()
      .select()
      .from(cardIdentifications)
      .where(and(eq(cardIdentifications.terminal, "till-9")));
    expect(row).toMatchObject({ outcome: "not_found", publicId: null, validUntil: null });
  });

  it("tells the till the balance, the tier and both percents, as they are now", async () => {
    const first = await readCard();
    expect(first.response.loyalty).toEqual({
      balance: 0,
      tier: "Standard",
      earnPercent: 5,
      maxRedeemPercent: 30,
    });

    await adjustPoints(db(), {
      accountId: first.accountId,
      points: 120,
      reason: "test",
      managerTelegramId: 1,
    });
    await updateLoyaltyProgramme(db(), {
      maxRedeemPercent: 50,
      tiers: [
        { name: "Bronze", threshold: 0, earnPercent: 5 },
        { name: "Silver", threshold: 100_000, earnPercent: 7 },
      ],
    });
    try {
      await purchase(db(), {
        identificationId: first.response.identification.id,
        checkId: "I-1",
        total: 100_000,
      });
      const card = await issueCard(db(), { accountId: first.accountId }, { seconds: 300 });
      const again = await identifyAtTill(db(), "till-1", { kind: "code", digits: card!.code });
      if (again.outcome !== "identified") throw new Error(again.outcome);
      expect(again.response.loyalty).toEqual({
        balance: 170,
        tier: "Silver",
        earnPercent: 7,
        maxRedeemPercent: 50,
      });
    } finally {
      await updateLoyaltyProgramme(db(), {
        maxRedeemPercent: 30,
        tiers: [{ name: "Standard", threshold: 0, earnPercent: 5 }],
      });
    }
  });
});
