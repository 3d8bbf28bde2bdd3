import type { StatsResponse } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  startUpdate,
  telegramUser,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { sourceEvents } from "../db/schema";
import { periodStart } from "./funnel";

const manager = guest(9_600, "Manager");
const posKey = "till-1:funnel-test-secret";
const registrationForm = { lastName: "Guest", firstName: "Funnel", consents: { personalData: true } };

describe("the funnel per source", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  const stats = async (query = "period=all") =>
    expectStatus<StatsResponse>(await context.request(`/api/manager/stats?${query}`, { as: manager }), 200);
  const countsOf = (response: StatsResponse, code: string) =>
    response.sources.find((source) => source.code === code)?.counts;

  /** A guest through the bot: /start with the code, then their own contact. */
  const startAndSharePhone = async (id: number, code: string | undefined, phone: string) => {
    const user = telegramUser(id);
    expect((await deliver(context, startUpdate(user, code))).status).toBe(200);
    expect((await deliver(context, contactUpdate(user, phone))).status).toBe(200);
  };
  const registerAndVisit = async (id: number) => {
    const user = guest(id);
    await expectStatus(await context.request("/api/registration", { as: user, json: registrationForm }), 201);
    const card = await expectStatus<{ code: string }>(
      await context.request("/api/card", { as: user, method: "POST" }),
      201,
    );
    await expectStatus(
      await context.request("/api/pos/identify", {
        json: { code: card.code },
        headers: { authorization: `Bearer ${posKey.split(":")[1]}` },
      }),
      200,
    );
    return card;
  };

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(
      webhookEnvironment(fake.apiRoot, { ADMIN_TELEGRAM_IDS: String(manager.id), POS_API_KEYS: posKey }),
    );
    for (const [name, code] of [
      ["Table tents", "tents"],
      ["Receipts", "receipts"],
      ["Never used", "unused"],
    ]) {
      await expectStatus(
        await context.request("/api/manager/sources", { as: manager, json: { name, code } }),
        201,
      );
    }
    await expectStatus(
      await context.request("/api/manager/accounts/import", {
        as: manager,
        body: "phone,last_name,first_name\n+79990009604,Known,Guest\n",
        headers: { "content-type": "text/csv" },
      }),
      200,
    );

    // Guest 1 goes all the way through "tents", and visits the till twice (counted once).
    await startAndSharePhone(9_601, "tents", "+79990009601");
    const card = await registerAndVisit(9_601);
    await context.request("/api/pos/identify", {
      json: { code: card.code },
      headers: { authorization: `Bearer ${posKey.split(":")[1]}` },
    });
    // Guest 2 comes through "tents" too and shares the phone, but does not register.
    await startAndSharePhone(9_602, "tents", "+79990009602");
    // Guest 3 opens the Mini App from a "receipts" link and goes no further.
    await expectStatus(
      await context.request("/api/me", {
        headers: { authorization: `tma ${context.initData(guest(9_603), { startParam: "receipts" })}` },
      }),
      200,
    );
    // Guest 4, already in the imported guest base, starts plainly and is linked by the phone.
    await startAndSharePhone(9_604, undefined, "+79990009604");
    // Guest 5 starts with "tents" twice and once with "receipts": still one start, for "tents".
    await deliver(context, startUpdate(telegramUser(9_605), "tents"));
    await deliver(context, startUpdate(telegramUser(9_605), "tents"));
    await deliver(context, startUpdate(telegramUser(9_605), "receipts"));
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  it("counts each step per source and in total", async () => {
    const all = await stats();
    expect(countsOf(all, "tents")).toEqual({ started: 3, phone_shared: 2, registered: 1, first_visit: 1 });
    expect(countsOf(all, "receipts")).toEqual({ started: 1, phone_shared: 0, registered: 0, first_visit: 0 });
    expect(countsOf(all, "default")).toEqual({ started: 1, phone_shared: 1, registered: 1, first_visit: 0 });
    expect(countsOf(all, "unused")).toEqual({ started: 0, phone_shared: 0, registered: 0, first_visit: 0 });
    expect(all.total.counts).toEqual({ started: 5, phone_shared: 3, registered: 2, first_visit: 1 });
  });

  it("gives the conversion between steps", async () => {
    const tents = (await stats()).sources.find((source) => source.code === "tents");
    expect(tents?.conversion).toEqual({ phone_shared: 2 / 3, registered: 1 / 2, first_visit: 1 });
    expect(tents?.overall).toBeCloseTo(1 / 3);
    const unused = (await stats()).sources.find((source) => source.code === "unused");
    expect(unused?.conversion).toEqual({ phone_shared: null, registered: null, first_visit: null });
  });

  it("counts only what happened within the period", async () => {
    // Move guest 2's events 10 days back and guest 3's 40 days back.
    const db = context.database.db;
    await db
      .update(sourceEvents)
      .set({ at: sql`now() - interval '10 days'` })
      .where(eq(sourceEvents.telegramUserId, 9_602));
    await db
      .update(sourceEvents)
      .set({ at: sql`now() - interval '40 days'` })
      .where(eq(sourceEvents.telegramUserId, 9_603));

    const week = await stats("period=7d");
    const month = await stats("period=30d");
    const all = await stats("period=all");
    expect(countsOf(week, "tents")).toEqual({ started: 2, phone_shared: 1, registered: 1, first_visit: 1 });
    expect(countsOf(month, "tents")).toEqual({ started: 3, phone_shared: 2, registered: 1, first_visit: 1 });
    expect(countsOf(month, "receipts")?.started).toBe(0);
    expect(countsOf(all, "receipts")?.started).toBe(1);
    expect(week.total.counts.started).toBe(3);
    expect(all.total.counts.started).toBe(5);
    expect(week.from && Date.parse(week.to) - Date.parse(week.from)).toBe(7 * 24 * 3600_000);
    expect(all.from).toBeNull();
  });

  it("starts today at the manager's midnight", async () => {
    const now = new Date("2025-03-10T22:30:00Z");
    expect(periodStart("today", now, 0)?.toISOString()).toBe("2025-03-10T00:00:00.000Z");
    // In Moscow (UTC+3) it is already 01:30 on the 11th.
    expect(periodStart("today", now, 180)?.toISOString()).toBe("2025-03-10T21:00:00.000Z");
    expect(periodStart("today", now, -300)?.toISOString()).toBe("2025-03-10T05:00:00.000Z");

    const db = context.database.db;
    await db
      .update(sourceEvents)
      .set({ at: sql`now() - interval '2 days'` })
      .where(eq(sourceEvents.telegramUserId, 9_605));
    const today = await stats("period=today&utcOffsetMinutes=0");
    expect(countsOf(today, "tents")?.started).toBe(1);
  });

  it("downloads the same figures as CSV", async () => {
    const response = await context.request("/api/manager/stats?period=all&format=csv", { as: manager });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="guestcard-funnel-all-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "source_code,source_name,started,phone_shared,registered,first_visit,phone_shared_of_started_pct,registered_of_phone_shared_pct,first_visit_of_registered_pct,first_visit_of_started_pct",
    );
    expect(lines).toContain("tents,Table tents,3,2,1,1,66.7,50.0,100.0,33.3");
    expect(lines.at(-1)).toBe(",Total,5,3,2,1,60.0,66.7,50.0,20.0");
  });

  it("quotes names with commas and defuses names a spreadsheet would run as formulas", async () => {
    await expectStatus(
      await context.request("/api/manager/sources", {
        as: manager,
        json: { name: '=HYPERLINK("x"), evil', code: "evil" },
      }),
      201,
    );
    const text = await (await context.request("/api/manager/stats?format=csv", { as: manager })).text();
    expect(text).toContain(`evil,"'=HYPERLINK(""x""), evil",0,0,0,0,,,,`);
  });

  it("answers 422 for an unknown period or format", async () => {
    for (const query of ["period=year", "format=xml", "utcOffsetMinutes=abc", "utcOffsetMinutes=5000"]) {
      const body = await expectStatus<{ error: { code: string } }>(
        await context.request(`/api/manager/stats?${query}`, { as: manager }),
        422,
      );
      expect(body.error.code, query).toBe("validation_failed");
    }
  });
});
