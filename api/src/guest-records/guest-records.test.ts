import type {
  GuestRecordResponse,
  GuestSearchResponse,
  PhoneConflictListResponse,
  PhoneConflictResponse,
} from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  telegramUser,
  testManagerChatId,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import {
  accounts,
  cardIdentifications,
  cards,
  consents,
  managerActions,
  phoneConflicts,
  reviewReplies,
  reviews,
  telegramUsers,
} from "../db/schema";

type SentMessage = {
  chat_id: number;
  text: string;
  reply_markup?: { inline_keyboard?: { url?: string }[][] };
};

type FieldErrorAnswer = { error: { fieldErrors: Record<string, { code: string }> } };

const manager = guest(9001, "Maria", "ru");
const stranger = guest(9002, "Stranger");

describe("guest records and phone conflicts, for managers", () => {
  let fake: FakeBotApi;
  let context: TestContext;
  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(
      webhookEnvironment(fake.apiRoot, { ADMIN_TELEGRAM_IDS: String(manager.id) }),
    );
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  afterEach(async () => {
    fake.reset();
    const { db } = context.database;
    await db.delete(managerActions);
    await db.delete(reviews);
    await db.delete(telegramUsers);
    await db.delete(accounts);
  });

  const sent = (chatId: number) => fake.messagesTo(chatId) as unknown as SentMessage[];

  async function account(
    phone: string,
    values: { lastName: string; firstName: string; middleName?: string },
  ) {
    const [row] = await context.database.db
      .insert(accounts)
      .values({ phone, origin: "registration", ...values })
      .returning();
    if (!row) throw new Error("no account");
    return row;
  }
  const search = async (q: string, as = manager) =>
    expectStatus<GuestSearchResponse>(
      await context.request(`/api/manager/guests?q=${encodeURIComponent(q)}`, { as }),
      200,
    );

  it("a manager finds a guest by a phone typed 8 (921) 555-01-02, by its last digits, or by name", async () => {
    const petrova = await account("+79215550102", {
      lastName: "Петрова",
      firstName: "Анна",
      middleName: "Сергеевна",
    });
    await account("+79215550199", { lastName: "Петров", firstName: "Борис" });
    await account("+79991112233", { lastName: "100%_Smith", firstName: "Joe" });

    const byTypedPhone = await search("8 (921) 555-01-02");
    expect(byTypedPhone.guests).toEqual([
      {
        accountId: petrova.id,
        lastName: "Петрова",
        firstName: "Анна",
        middleName: "Сергеевна",
        phone: "+79215550102",
        registeredAt: petrova.createdAt.toISOString(),
      },
    ]);
    expect((await search("+7 921 555 01 02")).guests.map((found) => found.accountId)).toEqual([petrova.id]);
    expect((await search("0102")).guests.map((found) => found.phone)).toEqual(["+79215550102"]);
    expect((await search("555-01")).guests).toHaveLength(2);
    // Words of the name, in any case and order; each starts a word of the name.
    expect((await search("анна петр")).guests.map((found) => found.firstName)).toEqual(["Анна"]);
    expect((await search("петров")).guests.map((found) => found.firstName)).toEqual(["Борис", "Анна"]);
    expect((await search("етров")).guests).toEqual([]);
    // LIKE's wildcards are taken literally.
    expect((await search("100%_")).guests.map((found) => found.firstName)).toEqual(["Joe"]);
    expect((await search("%%")).guests).toEqual([]);
    // A query too short to mean anything is a field error, not every guest.
    const short = await context.request("/api/manager/guests?q=a", { as: manager });
    const tooShort = await expectStatus<FieldErrorAnswer>(short, 422);
    expect(tooShort.error.fieldErrors.q).toMatchObject({ code: "too_short" });
  });

  it("a manager reads a guest's record: consents with dates, cards, last visit, reviews with answers", async () => {
    const { db } = context.database;
    const olga = await account("+79210000001", { lastName: "Smirnova", firstName: "Olga" });
    await db.insert(telegramUsers).values({
      id: 9100,
      firstName: "Olga",
      username: "olga",
      phone: olga.phone,
      accountId: olga.id,
    });
    await db.insert(consents).values([
      { accountId: olga.id, kind: "personal_data", granted: true, textVersion: "2026-01-ru" },
      { accountId: olga.id, kind: "marketing", granted: true, textVersion: "2026-01-ru" },
    ]);
    await db.insert(consents).values({
      accountId: olga.id,
      kind: "marketing",
      granted: false,
      textVersion: "2026-01-ru",
      recordedAt: new Date(Date.now() + 1000),
    });
    const [card] = await db
      .insert(cards)
      .values({ accountId: olga.id, pin: "123455", code: "1234567890123452", expiresAt: new Date() })
      .returning();
    const visitAt = new Date("2026-11-30T19:00:00.000Z");
    await db.insert(cardIdentifications).values({
      terminal: "till-1",
      outcome: "identified",
      cardId: card?.id,
      accountId: olga.id,
      at: visitAt,
    });
    const [review] = await db
      .insert(reviews)
      .values({ telegramUserId: 9100, accountId: olga.id, text: "Cold soup", rating: 2 })
      .returning();
    await db.insert(reviewReplies).values({
      reviewId: review!.id,
      author: "manager",
      authorTelegramId: manager.id,
      text: "Sorry — next soup is on us",
      sourceChatId: testManagerChatId,
      sourceMessageId: 1,
    });

    const response = await context.request(`/api/manager/guests/${olga.id}`, { as: manager });
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { guest: record } = await expectStatus<GuestRecordResponse>(response, 200);
    expect(record).toMatchObject({
      accountId: olga.id,
      lastName: "Smirnova",
      phone: "+79210000001",
      origin: "registration",
      telegram: { id: 9100, username: "olga" },
      cardsIssued: 1,
      lastVisitAt: visitAt.toISOString(),
      openConflicts: 0,
    });
    expect(record.consents.personalData.state).toBe("given");
    expect(record.consents.marketing.state).toBe("withdrawn");
    expect(record.consents.marketing.at).not.toBeNull();
    expect(record.reviews).toEqual([
      expect.objectContaining({
        text: "Cold soup",
        rating: 2,
        replies: [expect.objectContaining({ author: "manager", text: "Sorry — next soup is on us" })],
      }),
    ]);

    // Ids that name nobody are 404, whatever their shape.
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1"]) {
      const missing = await context.request(`/api/manager/guests/${id}`, { as: manager });
      expect((await expectStatus<{ error: { code: string } }>(missing, 404)).error.code).toBe("not_found");
    }
  });

  /** Ivan holds the card with +79215554433; Eve, who has that number now, shares it with the bot. */
  async function conflictOverIvansCard() {
    const { db } = context.database;
    const ivansCard = await account("+79215554433", { lastName: "Ivanov", firstName: "Ivan" });
    await db.insert(telegramUsers).values({
      id: 9200,
      firstName: "Ivan",
      username: "ivan_real",
      languageCode: "ru",
      phone: ivansCard.phone,
      accountId: ivansCard.id,
    });
    const eve = telegramUser(9201, "Eve");
    expect((await deliver(context, contactUpdate(eve, "79215554433"))).status).toBe(200);
    return { ivansCard, eve };
  }
  const conflicts = async (status = "open") =>
    (
      await expectStatus<PhoneConflictListResponse>(
        await context.request(`/api/manager/phone-conflicts?status=${status}`, { as: manager }),
        200,
      )
    ).conflicts;

  it("a manager resolves a phone conflict and both guests are told", async () => {
    const { db } = context.database;
    const { ivansCard, eve } = await conflictOverIvansCard();

    // The alert in the managers' chat opens the conflict in the Mini App.
    const [conflict] = await conflicts();
    expect(conflict).toMatchObject({
      status: "open",
      phone: "+79215554433",
      account: { accountId: ivansCard.id },
      holder: { id: 9200, username: "ivan_real" },
      claimant: { id: eve.id },
    });
    const [alert] = sent(testManagerChatId);
    expect(alert?.reply_markup?.inline_keyboard?.[0]?.[0]?.url).toBe(
      `https://t.me/guestcard_test_bot/app?startapp=conflict-${conflict!.id}`,
    );
    // Sharing the number again is the same conflict.
    expect((await deliver(context, contactUpdate(eve, "+79215554433"))).status).toBe(200);
    expect(await conflicts()).toHaveLength(1);
    fake.reset();

    const resolve = (reason: unknown) =>
      context.request(`/api/manager/phone-conflicts/${conflict!.id}/resolve`, {
        as: manager,
        json: { reason },
      });
    const blank = await expectStatus<FieldErrorAnswer>(await resolve("   "), 422);
    expect(blank.error.fieldErrors.reason?.code).toBe("required");

    const resolved = await expectStatus<PhoneConflictResponse>(
      await resolve("Eve showed her SIM; Ivan changed his number"),
      200,
    );
    expect(resolved.conflict).toMatchObject({
      status: "resolved",
      reason: "Eve showed her SIM; Ivan changed his number",
    });
    expect(resolved.conflict.decidedAt).not.toBeNull();

    // Both are told, each in their language, through the outbox.
    expect(sent(eve.id).map((message) => message.text)).toEqual([
      expect.stringContaining("linked your guest card to this Telegram account"),
    ]);
    expect(sent(9200).map((message) => message.text)).toEqual([
      expect.stringContaining("перенесли карту гостя"),
    ]);

    // The account moved; Ivan starts again from sharing a phone.
    const me = async (id: number) =>
      expectStatus<{ status: string; account: { id: string } | null }>(
        await context.request("/api/me", { as: guest(id) }),
        200,
      );
    expect(await me(eve.id)).toMatchObject({ status: "registered", account: { id: ivansCard.id } });
    expect((await me(9200)).status).toBe("needs_phone");

    const [audit] = await db.select().from(managerActions);
    expect(audit).toMatchObject({
      managerTelegramId: manager.id,
      action: "phone_conflict_resolved",
      accountId: ivansCard.id,
      reason: "Eve showed her SIM; Ivan changed his number",
      details: { conflictId: conflict!.id, from: 9200, to: eve.id },
    });

    // Deciding again is refused, and changes nothing.
    const again = await expectStatus<{ error: { code: string } }>(await resolve("once more"), 409);
    expect(again.error.code).toBe("conflict");
    expect(await db.select().from(managerActions)).toHaveLength(1);
    expect(await conflicts("resolved")).toHaveLength(1);
  });

  it("a manager dismisses a phone conflict: nothing moves, and the guest who shared the phone is told", async () => {
    const { db } = context.database;
    const { ivansCard, eve } = await conflictOverIvansCard();
    const [conflict] = await conflicts();
    fake.reset();

    const dismissed = await expectStatus<PhoneConflictResponse>(
      await context.request(`/api/manager/phone-conflicts/${conflict!.id}/dismiss`, {
        as: manager,
        json: { reason: "Ivan was at the restaurant yesterday with this number" },
      }),
      200,
    );
    expect(dismissed.conflict.status).toBe("dismissed");
    expect(sent(eve.id)).toHaveLength(1);
    expect(sent(9200)).toEqual([]);
    const [ivan] = await db.select().from(telegramUsers).where(eq(telegramUsers.id, 9200));
    expect(ivan?.accountId).toBe(ivansCard.id);
    expect(await conflicts("open")).toEqual([]);
    expect(await db.select().from(managerActions)).toEqual([
      expect.objectContaining({ action: "phone_conflict_dismissed", accountId: ivansCard.id }),
    ]);
    // A decided conflict cannot be resolved afterwards.
    const late = await context.request(`/api/manager/phone-conflicts/${conflict!.id}/resolve`, {
      as: manager,
      json: { reason: "changed my mind" },
    });
    expect((await expectStatus<{ error: { code: string } }>(late, 409)).error.code).toBe("conflict");
  });

  it("refuses to resolve a conflict whose account moved since it was recorded", async () => {
    const { db } = context.database;
    const { ivansCard } = await conflictOverIvansCard();
    const [conflict] = await conflicts();
    // Ivan deleted his data and a third guest holds the account now.
    await db.update(telegramUsers).set({ accountId: null }).where(eq(telegramUsers.id, 9200));
    await db.insert(telegramUsers).values({ id: 9300, firstName: "Third", accountId: ivansCard.id });
    const response = await context.request(`/api/manager/phone-conflicts/${conflict!.id}/resolve`, {
      as: manager,
      json: { reason: "looks right" },
    });
    expect((await expectStatus<{ error: { code: string } }>(response, 409)).error.code).toBe("conflict");
    const [still] = await db.select().from(phoneConflicts).where(eq(phoneConflicts.id, conflict!.id));
    expect(still?.status).toBe("open");
  });

  it("answers 403 to a guest who is not a manager, on every route here", async () => {
    const paths: [string, string, unknown?][] = [
      ["GET", "/api/manager/guests?q=ivan"],
      ["GET", "/api/manager/guests/00000000-0000-4000-8000-000000000000"],
      ["GET", "/api/manager/phone-conflicts"],
      ["POST", "/api/manager/phone-conflicts/1/resolve", { reason: "x" }],
      ["POST", "/api/manager/phone-conflicts/1/dismiss", { reason: "x" }],
    ];
    for (const [method, path, json] of paths) {
      const response = await context.request(path, { as: stranger, method, json });
      expect((await expectStatus<{ error: { code: string } }>(response, 403)).error.code).toBe("forbidden");
    }
  });
});
