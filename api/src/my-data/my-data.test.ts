import type {
  ConsentHistoryResponse,
  GuestReviewsResponse,
  MeResponse,
  MyDataExportResponse,
  MyDataResponse,
  TelegramUser,
} from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { accounts, cards, consents, reviewReplies, reviews, telegramUsers } from "../db/schema";
import { acceptVerifiedPhone } from "../guests/guests";

const anna = guest(7101, "Anna", "ru");
const boris = guest(7102, "Boris");

const form = (firstName: string, marketing: boolean) => ({
  lastName: "Tester",
  firstName,
  birthday: "1990-05-31",
  email: `${firstName.toLowerCase()}@example.com`,
  consents: { personalData: true, marketing },
});

describe("my data", () => {
  let context: TestContext;
  beforeEach(async () => {
    context = await createTestContext();
  });
  afterEach(() => context.close());

  const asTelegramUser = (user: typeof anna): TelegramUser => ({
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName ?? null,
    username: user.username ?? null,
    languageCode: user.languageCode ?? null,
  });
  async function registered(user: typeof anna, phone: string, marketing = true): Promise<string> {
    await acceptVerifiedPhone(context.database.db, asTelegramUser(user), phone);
    const body = await expectStatus<{ account: { id: string } }>(
      await context.request("/api/registration", { as: user, json: form(user.firstName, marketing) }),
      201,
    );
    return body.account.id;
  }
  const myData = async (user: typeof anna) => {
    const response = await context.request("/api/my-data", { as: user });
    expect(response.headers.get("cache-control")).toBe("no-store");
    return expectStatus<MyDataResponse>(response, 200);
  };

  it("shows everything stored about the guest", async () => {
    const accountId = await registered(anna, "+79095339392");
    await context.database.db
      .insert(reviews)
      .values({ telegramUserId: anna.id, accountId, text: "Great soup", rating: 5 });
    const data = await myData(anna);
    expect(data.telegram).toMatchObject({
      id: anna.id,
      firstName: "Anna",
      username: anna.username,
      phone: "+79095339392",
    });
    expect(data.telegram.phoneVerifiedAt).not.toBeNull();
    expect(data.account).toMatchObject({
      id: accountId,
      firstName: "Anna",
      email: "anna@example.com",
      phone: "+79095339392",
    });
    expect(data.consents.map((consent) => [consent.kind, consent.granted])).toEqual(
      expect.arrayContaining([
        ["personal_data", true],
        ["marketing", true],
      ]),
    );
    expect(data.reviews).toEqual([expect.objectContaining({ text: "Great soup", rating: 5 })]);
    expect(data.cardsIssued).toBe(0);
  });

  it("shows a guest who has not shared a phone what little there is", async () => {
    const data = await myData(boris);
    expect(data.telegram.phone).toBeNull();
    expect(data.account).toBeNull();
    expect(data.consents).toEqual([]);
  });

  it("withdraws marketing consent by appending to the history, once", async () => {
    await registered(anna, "+79095339392", true);
    const withdraw = () => context.request("/api/my-data/consents/marketing", { as: anna, method: "DELETE" });
    const first = await expectStatus<ConsentHistoryResponse>(await withdraw(), 200);
    const marketing = first.consents.filter((consent) => consent.kind === "marketing");
    expect(marketing.map((consent) => consent.granted)).toEqual([true, false]);

    const second = await expectStatus<ConsentHistoryResponse>(await withdraw(), 200);
    expect(second.consents).toHaveLength(first.consents.length);
    const data = await myData(anna);
    expect(data.consents.at(-1)).toMatchObject({ kind: "marketing", granted: false });
  });

  it("refuses to withdraw consent before registration with 403 registration_required", async () => {
    const response = await context.request("/api/my-data/consents/marketing", {
      as: boris,
      method: "DELETE",
    });
    const body = await expectStatus<{ error: { code: string } }>(response, 403);
    expect(body.error.code).toBe("registration_required");
  });

  it("deletes the account and its personal data, and the guest starts again from needs_phone", async () => {
    const annaAccount = await registered(anna, "+79095339392");
    const borisAccount = await registered(boris, "+79095339393");
    const { db } = context.database;
    await db.insert(cards).values({
      accountId: annaAccount,
      pin: "123455",
      code: "1234567890123452",
      expiresAt: new Date(Date.now() + 60_000),
    });
    await db
      .insert(reviews)
      .values({ telegramUserId: anna.id, accountId: annaAccount, text: "Nice", rating: 4 });

    const deleted = await expectStatus(
      await context.request("/api/my-data", { as: anna, method: "DELETE" }),
      200,
    );
    expect(deleted).toEqual({ deleted: true, account: true, reviews: 1 });

    expect(await db.select().from(accounts).where(eq(accounts.id, annaAccount))).toHaveLength(0);
    expect(await db.select().from(cards).where(eq(cards.accountId, annaAccount))).toHaveLength(0);
    expect(await db.select().from(consents).where(eq(consents.accountId, annaAccount))).toHaveLength(0);
    const [telegramRow] = await db.select().from(telegramUsers).where(eq(telegramUsers.id, anna.id));
    expect(telegramRow).toMatchObject({ phone: null, phoneVerifiedAt: null, accountId: null });
    expect(await db.select().from(reviews).where(eq(reviews.telegramUserId, anna.id))).toEqual([]);

    const me = await expectStatus<{ status: string; phone: string | null }>(
      await context.request("/api/me", { as: anna }),
      200,
    );
    expect(me).toMatchObject({ status: "needs_phone", phone: null });

    // Someone else's data is untouched.
    expect(await db.select().from(accounts).where(eq(accounts.id, borisAccount))).toHaveLength(1);

    // Deleting again changes nothing and is not an error; registering again works.
    expect(
      await expectStatus(await context.request("/api/my-data", { as: anna, method: "DELETE" }), 200),
    ).toEqual({
      deleted: true,
      account: false,
      reviews: 0,
    });
    const again = await registered(anna, "+79095339392");
    expect(again).not.toBe(annaAccount);
  });
  it("my-data shows the three consent states: never given, given with a date, withdrawn with a date", async () => {
    await registered(anna, "+79095339392", false);
    const before = await myData(anna);
    expect(before.consentStates.personalData).toEqual({ state: "given", at: expect.any(String) });
    // Anna never ticked "offers and news": not given, which is not the same as withdrawn.
    expect(before.consentStates.marketing).toEqual({ state: "never", at: null });

    await registered(boris, "+79095339393", true);
    await expectStatus(
      await context.request("/api/my-data/consents/marketing", { as: boris, method: "DELETE" }),
      200,
    );
    const withdrawn = (await myData(boris)).consentStates.marketing;
    expect(withdrawn.state).toBe("withdrawn");
    expect(Date.parse(withdrawn.at ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("a guest opts in to offers after withdrawing them, once however often they tap", async () => {
    await registered(anna, "+79095339392", true);
    const optIn = () => context.request("/api/my-data/consents/marketing", { as: anna, method: "POST" });
    await expectStatus(
      await context.request("/api/my-data/consents/marketing", { as: anna, method: "DELETE" }),
      200,
    );
    expect((await myData(anna)).consentStates.marketing.state).toBe("withdrawn");

    const [first, second] = await Promise.all([optIn(), optIn()]);
    await expectStatus(first as Response, 200);
    const history = await expectStatus<ConsentHistoryResponse>(second as Response, 200);
    expect(
      history.consents.filter((consent) => consent.kind === "marketing").map((consent) => consent.granted),
    ).toEqual([true, false, true]);
    expect((await myData(anna)).consentStates.marketing.state).toBe("given");
    // Before registration there is nothing to opt in with.
    const unregistered = await context.request("/api/my-data/consents/marketing", {
      as: boris,
      method: "POST",
    });
    expect((await expectStatus<{ error: { code: string } }>(unregistered, 403)).error.code).toBe(
      "registration_required",
    );
  });

  it("asks a known (imported) guest for the personal-data consent until they give it", async () => {
    const { db } = context.database;
    await db
      .insert(accounts)
      .values({ phone: "+79095339394", lastName: "Known", firstName: "Kira", origin: "import" });
    const kira = guest(7103, "Kira", "ru");
    await acceptVerifiedPhone(db, asTelegramUser(kira), "+79095339394");
    const me = async () => expectStatus<MeResponse>(await context.request("/api/me", { as: kira }), 200);
    expect(await me()).toMatchObject({ status: "registered", consentRequired: true });
    expect((await myData(kira)).consentStates.personalData).toEqual({ state: "never", at: null });

    await expectStatus(
      await context.request("/api/my-data/consents/personal-data", { as: kira, method: "POST" }),
      200,
    );
    expect(await me()).toMatchObject({ status: "registered", consentRequired: false });
    const given = (await myData(kira)).consents.find((consent) => consent.kind === "personal_data");
    expect(given).toMatchObject({ granted: true, textVersion: expect.stringMatching(/\/ru$/) });
    // A guest who registered through the form gave it there.
    await registered(anna, "+79095339392");
    expect(await expectStatus<MeResponse>(await context.request("/api/me", { as: anna }), 200)).toMatchObject(
      {
        consentRequired: false,
      },
    );
  });

  it("export downloads the guest's data as a JSON file from a short-lived link, without initData", async () => {
    const accountId = await registered(anna, "+79095339392");
    const link = await expectStatus<MyDataExportResponse>(
      await context.request("/api/my-data/export", { as: anna, method: "POST" }),
      201,
    );
    expect(link.url).toMatch(/^\/downloads\/my-data\//);
    expect(link.fileName).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);

    const file = await context.app.request(link.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="${link.fileName}"`);
    expect(file.headers.get("cache-control")).toBe("no-store");
    const data = (await file.json()) as MyDataResponse;
    expect(data.account).toMatchObject({ id: accountId, phone: "+79095339392" });
    expect(data.telegram.id).toBe(anna.id);

    // Another guest's id with Anna's signature, a made-up signature, garbage: all 404.
    const [, expires, signature] = link.url.split("/").at(-1)?.split(".") ?? [];
    for (const token of [
      `${boris.id}.${expires}.${signature}`,
      `${anna.id}.${expires}.${"A".repeat(43)}`,
      "x",
    ]) {
      expect((await context.app.request(`/downloads/my-data/${token}`)).status).toBe(404);
    }
  });

  it("a deleted guest's reviews are gone from /api/reviews, /api/my-data and an export link made before", async () => {
    const accountId = await registered(anna, "+79095339392");
    const { db } = context.database;
    const [review] = await db
      .insert(reviews)
      .values({ telegramUserId: anna.id, accountId, text: "The borscht was cold", rating: 2 })
      .returning();
    await db.insert(reviewReplies).values({
      reviewId: review!.id,
      author: "manager",
      authorTelegramId: 1,
      text: "We are sorry, Anna",
      sourceChatId: -1001,
      sourceMessageId: 7,
    });
    // A review sent before registering, under no account, is the guest's too.
    await db.insert(reviews).values({ telegramUserId: anna.id, text: "First visit: lovely", rating: 5 });
    const link = await expectStatus<MyDataExportResponse>(
      await context.request("/api/my-data/export", { as: anna, method: "POST" }),
      201,
    );
    const ownReviews = async () =>
      expectStatus<GuestReviewsResponse>(await context.request("/api/reviews", { as: anna }), 200);
    expect((await ownReviews()).reviews).toHaveLength(2);

    await expectStatus(await context.request("/api/my-data", { as: anna, method: "DELETE" }), 200);

    expect((await ownReviews()).reviews).toEqual([]);
    const data = await myData(anna);
    expect(data.reviews).toEqual([]);
    expect(data.account).toBeNull();
    expect(data.consents).toEqual([]);
    const text = JSON.stringify(data);
    for (const gone of ["borscht", "lovely", "sorry", "+79095339392", accountId])
      expect(text).not.toContain(gone);
    const file = await context.app.request(link.url);
    const exported = await file.text();
    for (const gone of ["borscht", "lovely", "+79095339392", accountId]) expect(exported).not.toContain(gone);
    expect(await db.select().from(reviewReplies)).toEqual([]);
  });
});
