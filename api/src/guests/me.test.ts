import type { MeResponse } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { testDatabaseKind } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import { selectRows } from "../db/client";
import { telegramUsers } from "../db/schema";
import { sourceEventsOf } from "../sources/attribution";

/** The tables an open of the Mini App could write to. */
const tables = ["telegram_users", "accounts", "source_events", "loyalty_balances", "manager_chat_members"];

/**
 * What any write would change: each table's row count and the newest row version and lock it holds
 * (`xmin` changes with every insert or update, `xmax` with every delete or row lock).
 */
async function fingerprint(context: TestContext) {
  const parts = tables.map(
    (table) => sql`select ${table} as t, count(*)::int as n,
      coalesce(max(xmin::text::bigint), 0)::text as newest, coalesce(max(xmax::text::bigint), 0)::text as locked
      from ${sql.identifier(table)}`,
  );
  return selectRows(context.database.db, sql.join(parts, sql` union all `));
}

/** The next transaction id: it moves only when a transaction writes (PGlite: no other session). */
async function nextTransactionId(context: TestContext) {
  const [row] = await selectRows<{ next: string }>(
    context.database.db,
    sql`select pg_snapshot_xmax(pg_current_snapshot())::text as next`,
  );
  return row?.next;
}

describe(`GET /api/me of a returning guest writes nothing (${testDatabaseKind})`, () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ ADMIN_TELEGRAM_IDS: "1" });
  });
  afterAll(() => context.close());

  it("records the first open, then a repeated open is one read and no write", async () => {
    const [registered] = await registerGuests(context.database.db, 1, { firstTelegramId: 61_000 });
    const user = registered!.user;
    const first = await expectStatus<MeResponse>(await context.request("/api/me", { as: user }), 200);
    expect(first).toMatchObject({
      status: "registered",
      isManager: false,
      account: { id: registered!.accountId },
    });
    expect((await sourceEventsOf(context.database.db, user.id)).map((event) => event.kind)).toEqual([
      "started",
      "registered",
    ]);

    const before = { rows: await fingerprint(context), next: await nextTransactionId(context) };
    const db = context.database.db;
    const trips = ["execute", "select", "insert", "update", "delete", "transaction"].map((method) =>
      vi.spyOn(db, method as "execute"),
    );
    try {
      for (let open = 0; open < 3; open++) {
        const again = await expectStatus<MeResponse>(await context.request("/api/me", { as: user }), 200);
        expect(again).toEqual(first);
      }
      expect(
        trips.reduce((sum, spy) => sum + spy.mock.calls.length, 0),
        "one round trip per open",
      ).toBe(3);
    } finally {
      for (const spy of trips) spy.mockRestore();
    }
    expect(await fingerprint(context)).toEqual(before.rows);
    // On PostgreSQL other test files' databases share the server's transaction ids.
    if (testDatabaseKind === "pglite") expect(await nextTransactionId(context)).toBe(before.next);
  });

  it("writes the profile again only when a field changed, and then once", async () => {
    const [registered] = await registerGuests(context.database.db, 1, { firstTelegramId: 62_000 });
    const user = registered!.user;
    await expectStatus(await context.request("/api/me", { as: user }), 200);
    const renamed = { ...user, firstName: "Renamed", username: "renamed_guest" };
    await expectStatus(await context.request("/api/me", { as: renamed }), 200);
    const [row] = await context.database.db.select().from(telegramUsers).where(eq(telegramUsers.id, user.id));
    expect(row).toMatchObject({ firstName: "Renamed", username: "renamed_guest", lastName: null });
    const before = await fingerprint(context);
    await expectStatus(await context.request("/api/me", { as: renamed }), 200);
    expect(await fingerprint(context)).toEqual(before);
  });

  it("a new guest's first open stores them and counts them as started, once, however many opens race", async () => {
    const newcomer = guest(63_000, "New");
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => context.request("/api/me", { as: newcomer })),
    );
    for (const answer of answers)
      expect((await expectStatus<MeResponse>(answer, 200)).status).toBe("needs_phone");
    expect(
      (await sourceEventsOf(context.database.db, newcomer.id)).map((event) => `${event.kind}@${event.code}`),
    ).toEqual(["started@default"]);
    const before = await fingerprint(context);
    await expectStatus(await context.request("/api/me", { as: newcomer }), 200);
    expect(await fingerprint(context)).toEqual(before);
  });

  it("admin ids are managers in the same read", async () => {
    const admin = guest(1, "Admin");
    expect(
      (await expectStatus<MeResponse>(await context.request("/api/me", { as: admin }), 200)).isManager,
    ).toBe(true);
  });

  it("names the restaurant as a manager set it, in the same read; the environment's name until then", async () => {
    const admin = guest(1, "Admin");
    const visitor = guest(7_400_001, "Visitor");
    const named = async () =>
      (await expectStatus<MeResponse>(await context.request("/api/me", { as: visitor }), 200)).restaurantName;
    expect(await named()).toBe("Guestcard");
    const saved = await context.request("/api/manager/settings", {
      as: admin,
      method: "PUT",
      json: { restaurantName: "Пельменная №1" },
    });
    await expectStatus(saved, 200);
    try {
      expect(await named()).toBe("Пельменная №1");
    } finally {
      await context.request("/api/manager/settings", {
        as: admin,
        method: "PUT",
        json: { restaurantName: "Guestcard" },
      });
    }
  });
});
