import type { PurchaseResponse } from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { capturingLogger, fastTiming } from "../../test/review-delivery-kit";
import { testBotToken } from "../../test/test-app";
import { createTestDatabase, testDatabaseKind } from "../../test/test-database";
import type { DatabaseConnection } from "../db/client";
import { outboxJobs, telegramUsers } from "../db/schema";
import { createOutboxWorker, type OutboxWorker } from "../outbox/outbox-worker";
import { adjustPoints } from "./adjustments";
import { identifiedGuests, purchase, refund } from "./loyalty-test-kit";
import { pointsMessageHandlers, pointsMessageJobKind } from "./points-message";
import { pointsMessage } from "./points-texts";

describe("the guest's message about a bill or a refund", () => {
  it("says what changed and the new balance, in Russian with the right plural forms", () => {
    expect(
      pointsMessage(
        { event: "purchase", checkId: "R-1001", total: 125_050, redeemed: 21, earned: 62, balance: 182 },
        "ru",
      ),
    ).toBe(
      [
        "🧾 Чек R-1001 на 1\u00a0250,50",
        "Оплачено баллами: −21 балл",
        "Начислено: +62 балла",
        "Баланс: <b>182 балла</b>",
      ].join("\n"),
    );
    expect(
      pointsMessage({ event: "refund", checkId: "R-1001", total: 125_050, points: -41, balance: 5 }, "ru"),
    ).toBe(
      ["↩️ Возврат по чеку R-1001 на 1\u00a0250,50", "Баллы: −41 балл", "Баланс: <b>5 баллов</b>"].join("\n"),
    );
  });

  it("speaks English to everyone else, and shows a negative balance and an unearned bill plainly", () => {
    expect(
      pointsMessage({ event: "purchase", checkId: "7", total: 5, redeemed: 0, earned: 0, balance: -3 }, "de"),
    ).toBe(
      ["🧾 Bill 7, 0.05", "No points were earned on this bill.", "Balance: <b>−3 points</b>"].join("\n"),
    );
    expect(
      pointsMessage({ event: "refund", checkId: "7", total: 1_000_000, points: 1, balance: 1 }, "en-US"),
    ).toBe(["↩️ Refund of bill 7, 10,000.00", "Points: +1 point", "Balance: <b>1 point</b>"].join("\n"));
  });

  it("escapes the till's bill number: it is HTML to Telegram", () => {
    const text = pointsMessage(
      { event: "purchase", checkId: "<b>1</b>&", total: 100, redeemed: 0, earned: 1, balance: 1 },
      "en",
    );
    expect(text).toContain("Bill &lt;b&gt;1&lt;/b&gt;&amp;,");
  });
});

describe(`delivering it through the outbox (${testDatabaseKind})`, () => {
  let database: DatabaseConnection;
  let fake: FakeBotApi;
  let worker: OutboxWorker | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await startFakeBotApi();
  });
  afterAll(async () => {
    await worker?.stop();
    await database.close();
    await fake.close();
  });

  it("reaches the guest exactly once though Telegram answers 429 and then 500", async () => {
    const db = database.db;
    const [guest] = await identifiedGuests(db, 1, { firstTelegramId: 79_000 });
    await db
      .update(telegramUsers)
      .set({ languageCode: "ru" })
      .where(eq(telegramUsers.id, guest!.telegramUserId));
    await adjustPoints(db, {
      accountId: guest!.accountId,
      points: 100,
      reason: "test",
      managerTelegramId: 1,
    });
    const bill = await purchase(db, {
      identificationId: guest!.identificationId,
      checkId: "R-77",
      total: 125_050,
      redeem: 21,
    });
    expect(bill.status).toBe(201);

    fake.failNext(1, { status: 429, retryAfter: 1 }, { method: "sendMessage" });
    fake.failNext(1, { status: 500 }, { method: "sendMessage" });
    worker = createOutboxWorker({
      db,
      logger: capturingLogger().logger,
      handlers: pointsMessageHandlers({
        db,
        api: new Api(testBotToken, { apiRoot: fake.apiRoot }),
        pacing: { messages: 1000, windowMs: 60_000 },
      }),
      timing: fastTiming,
    });
    worker.start();

    await expect
      .poll(() => db.$count(outboxJobs, eq(outboxJobs.status, "done")), { timeout: 15_000, interval: 50 })
      .toBe(1);
    const delivered = fake.messagesTo(guest!.telegramUserId);
    // 125050 − 2100 = 122950 paid; ⌊122950 × 5 / 10000⌋ = 61 earned; 100 − 21 + 61 = 140.
    expect(delivered.map((message) => message.text)).toEqual([
      [
        "🧾 Чек R-77 на 1\u00a0250,50",
        "Оплачено баллами: −21 балл",
        "Начислено: +61 балл",
        "Баланс: <b>140 баллов</b>",
      ].join("\n"),
    ]);
    expect(fake.callsTo("sendMessage").map((call) => call.status)).toEqual([429, 500, 200]);

    // A refund is told too; a guest who unlinked meanwhile is skipped, not retried forever.
    await refund(db, (bill.body as PurchaseResponse).purchase.id);
    await expect
      .poll(() => fake.messagesTo(guest!.telegramUserId).length, { timeout: 15_000, interval: 50 })
      .toBe(2);
    expect(fake.messagesTo(guest!.telegramUserId)[1]!.text).toBe(
      ["↩️ Возврат по чеку R-77 на 1\u00a0250,50", "Баллы: −40 баллов", "Баланс: <b>100 баллов</b>"].join(
        "\n",
      ),
    );
    const [other] = await identifiedGuests(db, 1, { firstTelegramId: 79_001 });
    await purchase(db, { identificationId: other!.identificationId, checkId: "R-78", total: 10_000 });
    await db
      .update(telegramUsers)
      .set({ accountId: null })
      .where(eq(telegramUsers.id, other!.telegramUserId));
    worker.wake();
    await expect
      .poll(() => db.$count(outboxJobs, eq(outboxJobs.kind, pointsMessageJobKind)), { timeout: 5000 })
      .toBe(3);
    await expect
      .poll(() => db.$count(outboxJobs, eq(outboxJobs.status, "done")), { timeout: 15_000 })
      .toBe(3);
    expect(fake.messagesTo(other!.telegramUserId)).toEqual([]);
  });
});
