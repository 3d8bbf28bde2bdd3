import {
  type CardResponse,
  cardCodeLength,
  cardPinLength,
  cardResponseSchema,
  type ErrorEnvelope,
  hasValidDammCheckDigit,
  withDammCheckDigit,
} from "@guestcard/shared";
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { accounts, cards, settings, telegramUsers } from "../db/schema";
import type { CardIdentifierSource } from "./card-identifiers";
import { registerGuests } from "./card-test-fixtures";
import { candidatesPerAttempt, issueCard, maxIssueAttempts } from "./cards";

async function issueFor(db: TestContext["database"]["db"], accountId: string, draw: CardIdentifierSource) {
  const card = await issueCard(db, { accountId }, { seconds: 60 }, draw);
  if (!card) throw new Error(`no account ${accountId}`);
  return card;
}

describe("POST and GET /api/card", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ CARD_TTL_SECONDS: "300" });
  });
  afterAll(() => context.close());

  it("issues a card whose PIN and code are digits with a valid check digit, and shows it on GET", async () => {
    const [anna] = await registerGuests(context.database.db, 1, { firstTelegramId: 10_001 });
    const before = Date.now();
    const issued = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: anna!.user }),
      201,
    );

    expect(cardResponseSchema.safeParse(issued).success, JSON.stringify(issued)).toBe(true);
    expect(issued.pin).toMatch(new RegExp(`^\\d{${cardPinLength}}$`));
    expect(issued.code).toMatch(new RegExp(`^\\d{${cardCodeLength}}$`));
    expect(hasValidDammCheckDigit(issued.pin)).toBe(true);
    expect(hasValidDammCheckDigit(issued.code)).toBe(true);
    expect(issued.ttlSeconds).toBe(300);
    const lifetime = Date.parse(issued.expiresAt) - Date.parse(issued.issuedAt);
    expect(lifetime).toBe(300_000);
    expect(Date.parse(issued.serverTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(issued.serverTime)).toBeLessThan(Date.parse(issued.expiresAt));

    const shown = await expectStatus<CardResponse>(
      await context.request("/api/card", { as: anna!.user }),
      200,
    );
    expect(shown).toMatchObject({
      pin: issued.pin,
      code: issued.code,
      expiresAt: issued.expiresAt,
      ttlSeconds: 300,
    });
    expect(Date.parse(shown.serverTime)).toBeGreaterThanOrEqual(Date.parse(issued.serverTime));
  });

  it("ends the previous card at once when a new one is issued", async () => {
    const [boris] = await registerGuests(context.database.db, 1, { firstTelegramId: 10_002 });
    const first = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: boris!.user }),
      201,
    );
    const second = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: boris!.user }),
      201,
    );
    expect(second.code).not.toBe(first.code);

    const live = await context.database.db
      .select({ pin: cards.pin, code: cards.code })
      .from(cards)
      .where(and(eq(cards.accountId, boris!.accountId), isNull(cards.revokedAt)));
    expect(live).toEqual([{ pin: second.pin, code: second.code }]);
    const shown = await expectStatus<CardResponse>(
      await context.request("/api/card", { as: boris!.user }),
      200,
    );
    expect(shown.code).toBe(second.code);
  });

  it("answers 404 no_card before the first card", async () => {
    const [vera] = await registerGuests(context.database.db, 1, { firstTelegramId: 10_003 });
    const body = await expectStatus<ErrorEnvelope>(
      await context.request("/api/card", { as: vera!.user }),
      404,
    );
    expect(body.error.code).toBe("no_card");
  });

  it("answers 403 registration_required to a guest without an account, on POST and GET", async () => {
    const stranger = guest(10_004);
    // Known to us, phone shared, not registered.
    await context.database.db.insert(telegramUsers).values({
      id: stranger.id,
      firstName: stranger.firstName,
      phone: "+79160000004",
      phoneVerifiedAt: new Date(),
    });
    for (const method of ["POST", "GET"]) {
      const body = await expectStatus<ErrorEnvelope>(
        await context.request("/api/card", { method, as: stranger }),
        403,
      );
      expect(body.error.code, method).toBe("registration_required");
    }
    // And one who never even opened the app.
    const nobody = await context.request("/api/card", { method: "POST", as: guest(10_005) });
    expect((await expectStatus<ErrorEnvelope>(nobody, 403)).error.code).toBe("registration_required");
  });

  it("takes the lifetime from the manager's setting when there is one", async () => {
    const [gleb] = await registerGuests(context.database.db, 1, { firstTelegramId: 10_006 });
    await context.database.db.insert(settings).values({ key: "card_ttl_seconds", value: 45 });
    try {
      const issued = await expectStatus<CardResponse>(
        await context.request("/api/card", { method: "POST", as: gleb!.user }),
        201,
      );
      expect(issued.ttlSeconds).toBe(45);
      expect(Date.parse(issued.expiresAt) - Date.parse(issued.issuedAt)).toBe(45_000);
    } finally {
      await context.database.db.delete(settings).where(eq(settings.key, "card_ttl_seconds"));
    }
  });
});

describe("issuing: lifetime settings and known guests", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ CARD_TTL_SECONDS: "120" });
  });
  afterAll(() => context.close());

  it("ignores a stored lifetime no manager could have saved, and uses the default", async () => {
    const [guestOne] = await registerGuests(context.database.db, 1, { firstTelegramId: 15_001 });
    for (const value of ["600", -5, 1.5, 0, 10_000_000, { seconds: 60 }, true]) {
      await context.database.db
        .insert(settings)
        .values({ key: "card_ttl_seconds", value })
        .onConflictDoUpdate({ target: settings.key, set: { value } });
      const issued = await expectStatus<CardResponse>(
        await context.request("/api/card", { method: "POST", as: guestOne!.user }),
        201,
      );
      expect(issued.ttlSeconds, JSON.stringify(value)).toBe(120);
    }
    await context.database.db.delete(settings).where(eq(settings.key, "card_ttl_seconds"));
  });

  it("links a known guest (imported, phone shared) on their first card", async () => {
    const known = guest(15_002, "Known");
    await context.database.db
      .insert(accounts)
      .values({ phone: "+79160015002", firstName: "Known", lastName: "Guest", origin: "import" });
    await context.database.db
      .insert(telegramUsers)
      .values({ id: known.id, firstName: "Known", phone: "+79160015002", phoneVerifiedAt: new Date() });
    const issued = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: known }),
      201,
    );
    expect(issued.ttlSeconds).toBe(120);
    const [linked] = await context.database.db
      .select({ accountId: telegramUsers.accountId })
      .from(telegramUsers)
      .where(eq(telegramUsers.id, known.id));
    expect(linked?.accountId).toBeTruthy();
  });
});

describe("issuing when PINs collide", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(() => context.close());

  it("takes over the PIN of a card that expired without being revoked, and revokes that card", async () => {
    const db = context.database.db;
    const [holder, newcomer] = await registerGuests(db, 2, { firstTelegramId: 20_001 });
    const old = await issueFor(db, holder!.accountId, () => ({
      pin: "123453",
      code: "100000000000000007",
    }));
    // The holder's card expires; nothing revoked it.
    await db.update(cards).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(cards.pin, old.pin));

    let calls = 0;
    const issued = await issueFor(db, newcomer!.accountId, () => {
      calls++;
      return { pin: old.pin, code: "200000000000000003" };
    });
    expect(issued.pin).toBe(old.pin);
    expect(calls, "the expired holder is revoked in the same statement").toBe(candidatesPerAttempt);
    const holders = await db
      .select({ accountId: cards.accountId, revoked: sql<boolean>`${cards.revokedAt} is not null` })
      .from(cards)
      .where(eq(cards.pin, old.pin));
    expect(holders).toHaveLength(2);
    expect(holders.find((row) => row.accountId === holder!.accountId)?.revoked).toBe(true);
    expect(holders.find((row) => row.accountId === newcomer!.accountId)?.revoked).toBe(false);
  });

  it("never takes the PIN of a live card: it draws again", async () => {
    const db = context.database.db;
    const [first, second] = await registerGuests(db, 2, { firstTelegramId: 20_011 });
    const live = await issueFor(db, first!.accountId, () => ({
      pin: "555552",
      code: "300000000000000001",
    }));
    // The first two draws are held by a live card; the statement takes the third, without a retry.
    let calls = 0;
    const issued = await issueFor(db, second!.accountId, () => {
      calls++;
      const pin = calls <= 2 ? live.pin : withDammCheckDigit(String(77_770 + calls));
      return { pin, code: withDammCheckDigit(`4${String(calls).padStart(16, "0")}`) };
    });
    expect(issued.pin).toBe(withDammCheckDigit("77773"));
    expect(calls).toBe(candidatesPerAttempt);
    const firstCard = await db
      .select()
      .from(cards)
      .where(and(eq(cards.accountId, first!.accountId), isNull(cards.revokedAt)));
    expect(firstCard.map((card) => card.pin)).toEqual([live.pin]);
  });

  it(`answers 503 unavailable after ${maxIssueAttempts} statements of colliding draws instead of looping forever`, async () => {
    const db = context.database.db;
    const [first, second] = await registerGuests(db, 2, { firstTelegramId: 20_021 });
    const live = await issueFor(db, first!.accountId, () => ({
      pin: "888885",
      code: "500000000000000006",
    }));
    let draws = 0;
    const error = await issueFor(db, second!.accountId, () => {
      draws++;
      return { pin: live.pin, code: `6${String(draws).padStart(17, "0")}` };
    }).then(
      () => undefined,
      (failure: unknown) => failure as { code?: string; status?: number; headers?: Record<string, string> },
    );
    expect(error?.code).toBe("unavailable");
    expect(error?.status).toBe(503);
    expect(error?.headers?.["retry-after"]).toBe("60");
    expect(draws).toBe(maxIssueAttempts * candidatesPerAttempt);
  });
});

describe("card lifetime", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ CARD_TTL_SECONDS: "2", POS_API_KEYS: "till-1:secret-till-1" });
  });
  afterAll(() => context.close());

  const identify = (code: string) =>
    context.request("/api/pos/identify", {
      json: { code },
      headers: { authorization: "Bearer secret-till-1" },
    });

  it("works before its 2-second lifetime ends and answers 404 after; GET then says no_card", async () => {
    const [dasha] = await registerGuests(context.database.db, 1, { firstTelegramId: 30_001 });
    const card = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: dasha!.user }),
      201,
    );
    expect(card.ttlSeconds).toBe(2);
    await expectStatus(await identify(card.pin), 200);
    await expectStatus(await identify(card.code), 200);

    // The till sees the card die when its lifetime ends (plus the time a busy machine takes to answer).
    const lifetimeMs = Date.parse(card.expiresAt) - Date.parse(card.serverTime);
    await expect
      .poll(async () => (await identify(card.pin)).status, { timeout: lifetimeMs + 5000, interval: 50 })
      .toBe(404);
    for (const code of [card.pin, card.code]) {
      const body = await expectStatus<ErrorEnvelope>(await identify(code), 404);
      expect(body.error.code).toBe("code_not_found");
    }
    const none = await expectStatus<ErrorEnvelope>(
      await context.request("/api/card", { as: dasha!.user }),
      404,
    );
    expect(none.error.code).toBe("no_card");
  });

  it("answers 404 for an old card once a new one is issued, and 200 for the new one", async () => {
    const [egor] = await registerGuests(context.database.db, 1, { firstTelegramId: 30_002 });
    const old = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: egor!.user }),
      201,
    );
    const fresh = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: egor!.user }),
      201,
    );
    expect((await expectStatus<ErrorEnvelope>(await identify(old.pin), 404)).error.code).toBe(
      "code_not_found",
    );
    expect((await expectStatus<ErrorEnvelope>(await identify(old.code), 404)).error.code).toBe(
      "code_not_found",
    );
    await expectStatus(await identify(fresh.pin), 200);
  });
});
