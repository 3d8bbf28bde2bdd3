import type { CardResponse } from "@guestcard/shared";
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../test/test-app";
import { testDatabaseKind } from "../../test/test-database";
import { cards } from "../db/schema";
import { registerGuests } from "./card-test-fixtures";

describe(`issuing cards concurrently (${testDatabaseKind})`, () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(() => context.close());

  it("gives 1,000 guests issuing at once 1,000 live cards, no PIN or code shared", {
    timeout: 120_000,
  }, async () => {
    const guests = await registerGuests(context.database.db, 1000, { firstTelegramId: 40_000 });
    const responses = await Promise.all(
      guests.map((guest) => context.request("/api/card", { method: "POST", as: guest.user })),
    );
    const statuses = responses.map((response) => response.status);
    expect(
      statuses.filter((status) => status !== 201),
      "every issue succeeds",
    ).toEqual([]);
    const issued = (await Promise.all(responses.map((response) => response.json()))) as CardResponse[];
    expect(new Set(issued.map((card) => card.pin)).size).toBe(1000);
    expect(new Set(issued.map((card) => card.code)).size).toBe(1000);

    // The database's own view: every live card distinct, one per account.
    const duplicates = await context.database.db
      .select({
        pins: sql<number>`(count(*) - count(distinct ${cards.pin}))::int`,
        codes: sql<number>`(count(*) - count(distinct ${cards.code}))::int`,
        accounts: sql<number>`(count(*) - count(distinct ${cards.accountId}))::int`,
        live: sql<number>`count(*)::int`,
      })
      .from(cards)
      .where(isNull(cards.revokedAt));
    expect(duplicates[0]).toEqual({ pins: 0, codes: 0, accounts: 0, live: 1000 });
  });

  it("gives 50 guests tapping renew 20 times each, all at once, 1,000 cards and one live card each", {
    timeout: 120_000,
  }, async () => {
    const guests = await registerGuests(context.database.db, 50, { firstTelegramId: 42_000 });
    const responses = await Promise.all(
      guests.flatMap((guest) =>
        Array.from({ length: 20 }, () => context.request("/api/card", { method: "POST", as: guest.user })),
      ),
    );
    expect(responses.filter((response) => response.status !== 201)).toEqual([]);
    const [counts] = await context.database.db
      .select({
        live: sql<number>`(count(*) filter (where ${cards.revokedAt} is null))::int`,
        accounts: sql<number>`(count(distinct ${cards.accountId}) filter (where ${cards.revokedAt} is null))::int`,
        pins: sql<number>`(count(distinct ${cards.pin}) filter (where ${cards.revokedAt} is null))::int`,
        issued: sql<number>`count(*)::int`,
      })
      .from(cards)
      .where(sql`${cards.accountId} in ${guests.map((guest) => guest.accountId)}`);
    expect(counts).toEqual({ live: 50, accounts: 50, pins: 50, issued: 1000 });
  });

  it("leaves exactly one live card when one guest taps renew 20 times at once", async () => {
    const [guest] = await registerGuests(context.database.db, 1, { firstTelegramId: 41_000 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => context.request("/api/card", { method: "POST", as: guest!.user })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    const live = await context.database.db
      .select({ code: cards.code })
      .from(cards)
      .where(and(eq(cards.accountId, guest!.accountId), isNull(cards.revokedAt)));
    expect(live).toHaveLength(1);
    const [total] = await context.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(cards)
      .where(eq(cards.accountId, guest!.accountId));
    expect(total?.n).toBe(20);
  });
});
