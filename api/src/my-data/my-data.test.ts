import type { ConsentHistoryResponse, MyDataResponse, TelegramUser } from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { accounts, cards, consents, reviews, telegramUsers } from "../db/schema";
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

    await expectStatus(await context.request("/api/my-data", { as: anna, method: "DELETE" }), 200);

    expect(await db.select().from(accounts).where(eq(accounts.id, annaAccount))).toHaveLength(0);
    expect(await db.select().from(cards).where(eq(cards.accountId, annaAccount))).toHaveLength(0);
    expect(await db.select().from(consents).where(eq(consents.accountId, annaAccount))).toHaveLength(0);
    const [telegramRow] = await db.select().from(telegramUsers).where(eq(telegramUsers.id, anna.id));
    expect(telegramRow).toMatchObject({ phone: null, phoneVerifiedAt: null, accountId: null });
    const [review] = await db.select().from(reviews).where(eq(reviews.telegramUserId, anna.id));
    expect(review?.accountId, "a kept review is no longer tied to an account").toBeNull();

    const me = await expectStatus<{ status: string; phone: string | null }>(
      await context.request("/api/me", { as: anna }),
      200,
    );
    expect(me).toMatchObject({ status: "needs_phone", phone: null });

    // Someone else's data is untouched.
    expect(await db.select().from(accounts).where(eq(accounts.id, borisAccount))).toHaveLength(1);

    // Deleting again changes nothing and is not an error; registering again works.
    await expectStatus(await context.request("/api/my-data", { as: anna, method: "DELETE" }), 200);
    const again = await registered(anna, "+79095339392");
    expect(again).not.toBe(annaAccount);
  });
});
