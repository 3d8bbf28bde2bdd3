import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import { type DatabaseConnection, selectRows } from "../db/client";

/**
 * Tiers go by money paid per calendar month, kept on the balance row for the current month and the 12
 * before it (migration 0006). These are the helpers that keep and read it.
 */
describe(`money paid per month, for tiers (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const monthOf = async (at: string) => {
    const [row] = await selectRows<{ month: number }>(
      database.db,
      sql`select guestcard_month_of(${at}::timestamptz) as month`,
    );
    return Number(row!.month);
  };
  const add = async (months: number[], amounts: number[], month: number, delta: number, keepFrom: number) => {
    const [row] = await selectRows<{ months: number[]; amounts: Array<number | string> }>(
      database.db,
      sql`select months, amounts from guestcard_spent_add(${`{${months.join(",")}}`}::integer[], ${`{${amounts.join(",")}}`}::bigint[],
            ${month}::integer, ${delta}::bigint, ${keepFrom}::integer)`,
    );
    return { months: row!.months.map(Number), amounts: row!.amounts.map(Number) };
  };
  const since = async (months: number[], amounts: number[], from: number) => {
    const [row] = await selectRows<{ total: number | string }>(
      database.db,
      sql`select guestcard_spent_since(${`{${months.join(",")}}`}::integer[], ${`{${amounts.join(",")}}`}::bigint[], ${from}::integer) as total`,
    );
    return Number(row!.total);
  };

  it("numbers months from January 2000, in UTC", async () => {
    expect(await monthOf("2000-01-15T12:00:00Z")).toBe(0);
    expect(await monthOf("2025-06-30T23:59:59.999Z")).toBe(25 * 12 + 5);
    expect(await monthOf("2025-07-01T00:00:00Z")).toBe(25 * 12 + 6);
    // 1 July 02:00 in Moscow is still 30 June in UTC.
    expect(await monthOf("2025-07-01T02:00:00+03:00")).toBe(25 * 12 + 5);
  });

  it("adds to a month, drops months that left the window and months that came to nothing", async () => {
    expect(await add([], [], 300, 500, 288)).toEqual({ months: [300], amounts: [500] });
    expect(await add([299, 300], [100, 500], 300, 250, 288)).toEqual({
      months: [299, 300],
      amounts: [100, 750],
    });
    expect(await add([287, 288, 300], [1, 2, 3], 301, 4, 289)).toEqual({
      months: [300, 301],
      amounts: [3, 4],
    });
    // A refund takes back from its bill's month; a month at 0 is gone.
    expect(await add([299, 300], [100, 500], 299, -100, 288)).toEqual({ months: [300], amounts: [500] });
    // A refund of a bill whose month already left the window changes nothing.
    expect(await add([299, 300], [100, 500], 280, -100, 288)).toEqual({
      months: [299, 300],
      amounts: [100, 500],
    });
    // A bill paid entirely in points adds no month.
    expect(await add([300], [500], 300, 0, 288)).toEqual({ months: [300], amounts: [500] });
  });

  it("counts the current month and the 12 before it: never less than a year", async () => {
    expect(await since([287, 288, 299, 300], [1, 10, 100, 1000], 300 - 12)).toBe(1110);
    expect(await since([], [], 288)).toBe(0);
  });

  it("agrees with a plain map of months under any sequence of bills, refunds and passing months", async () => {
    const step = fc.record({
      monthsPassed: fc.integer({ min: 0, max: 4 }),
      back: fc.integer({ min: 0, max: 15 }),
      delta: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: -100_000, max: -1 })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 20 }), async (steps) => {
        let now = 300;
        let months: number[] = [];
        let amounts: number[] = [];
        const model = new Map<number, number>();
        for (const { monthsPassed, back, delta } of steps) {
          now += monthsPassed;
          const month = now - back;
          // A refund never takes back more than its month holds (it undoes one bill of that month).
          const amount = delta < 0 ? Math.max(delta, -(model.get(month) ?? 0)) : delta;
          ({ months, amounts } = await add(months, amounts, month, amount, now - 12));
          for (const key of [...model.keys()]) if (key < now - 12) model.delete(key);
          if (month >= now - 12 && amount !== 0) model.set(month, (model.get(month) ?? 0) + amount);
          for (const [key, value] of [...model]) if (value === 0) model.delete(key);
          const kept = new Map(months.map((key, index) => [key, amounts[index]]));
          expect(kept).toEqual(model);
          expect(await since(months, amounts, now - 12)).toBe(
            [...model.values()].reduce((sum, value) => sum + value, 0),
          );
        }
      }),
      { numRuns: 60 },
    );
  });
});
