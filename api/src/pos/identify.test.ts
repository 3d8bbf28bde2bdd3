import {
  type CardResponse,
  type ErrorEnvelope,
  type PosIdentifyResponse,
  withDammCheckDigit,
} from "@guestcard/shared";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, type TestContext } from "../../test/test-app";
import { registerGuests } from "../card/card-test-fixtures";
import { cardIdentifications, sources, telegramUsers } from "../db/schema";
import { sourceEventsOf } from "../sources/attribution";
import { displayName } from "./identify";

describe("POST /api/pos/identify", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({
      POS_API_KEYS:
        "bar:secret-of-the-bar,hall:secret-of-the-hall,cafe:secret-of-the-cafe,patio:secret-of-the-patio",
    });
  });
  afterAll(() => context.close());

  const identify = (body: unknown, secret = "secret-of-the-bar") =>
    context.request("/api/pos/identify", { json: body, headers: { authorization: `Bearer ${secret}` } });

  async function issuedCard(telegramId: number, lastName = "Иванов") {
    const [guest] = await registerGuests(context.database.db, 1, { firstTelegramId: telegramId, lastName });
    const card = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: guest!.user }),
      201,
    );
    return { guest: guest!, card };
  }

  it("identifies a guest by the PIN and by the QR code, with a masked phone only", async () => {
    const { guest, card } = await issuedCard(60_001);
    for (const code of [card.pin, card.code]) {
      const body = await expectStatus<PosIdentifyResponse>(await identify({ code }), 200);
      expect(body).toEqual({
        account: {
          id: guest.accountId,
          displayName: `${guest.user.firstName} И.`,
          phoneMasked: "+7 *** ***-00-01",
        },
        card: { expiresAt: card.expiresAt },
        identification: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), validUntil: expect.any(String) },
        loyalty: { balance: 0, tier: "Standard", earnPercent: 5, maxRedeemPercent: 30 },
      });
    }
  });

  it("accepts the PIN as the card shows it (grouped) and a scan ending in a line break", async () => {
    const { card } = await issuedCard(60_002);
    await expectStatus(await identify({ code: `${card.pin.slice(0, 3)} ${card.pin.slice(3)}` }), 200);
    await expectStatus(await identify({ code: `${card.code}\r\n` }), 200);
  });

  it("answers 404 code_not_found for a well-formed code nobody holds", async () => {
    const body = await expectStatus<ErrorEnvelope>(
      await identify({ code: withDammCheckDigit("12345") }),
      404,
    );
    expect(body.error.code).toBe("code_not_found");
    const qr = await expectStatus<ErrorEnvelope>(
      await identify({ code: withDammCheckDigit("1".repeat(17)) }, "secret-of-the-hall"),
      404,
    );
    expect(qr.error.code).toBe("code_not_found");
  });

  it("answers 422 invalid_code for letters, a wrong length and a wrong check digit", async () => {
    const pin = withDammCheckDigit("48291");
    const wrongCheck = pin.slice(0, 5) + String((Number(pin[5]) + 1) % 10);
    const swapped = pin[1]! + pin[0]! + pin.slice(2);
    const reasons: [string, string][] = [
      ["48a913", "not_digits"],
      ["4829", "wrong_length"],
      ["1234567", "wrong_length"],
      ["", "not_digits"],
      [wrongCheck, "check_digit"],
      [swapped, "check_digit"],
      ["-48291", "not_digits"],
    ];
    for (const [code, reason] of reasons) {
      const body = await expectStatus<ErrorEnvelope>(await identify({ code }, "secret-of-the-hall"), 422);
      expect(body.error.code, JSON.stringify(code)).toBe("invalid_code");
      // The cashier page says which mistake it was, in the till's language.
      expect(body.error.params, JSON.stringify(code)).toEqual({ reason });
    }
  });

  it("answers 422 validation_failed for a body without a string code, 400 for broken JSON", async () => {
    for (const body of [{}, { code: 482913 }, { code: "1".repeat(65) }]) {
      const answer = await expectStatus<ErrorEnvelope>(await identify(body, "secret-of-the-cafe"), 422);
      expect(answer.error.code).toBe("validation_failed");
      expect(answer.error.fields?.code).toBeTruthy();
      expect(answer.error.fieldErrors?.code?.code).toMatch(/^(required|too_long)$/);
    }
    const broken = await context.request("/api/pos/identify", {
      method: "POST",
      body: "{code:",
      headers: { authorization: "Bearer secret-of-the-cafe", "content-type": "application/json" },
    });
    expect((await expectStatus<ErrorEnvelope>(broken, 400)).error.code).toBe("bad_request");
  });

  it("records every identification and every miss with the terminal's name", async () => {
    const { card, guest } = await issuedCard(60_003);
    await expectStatus(await identify({ code: card.pin }, "secret-of-the-patio"), 200);
    await expectStatus(await identify({ code: withDammCheckDigit("99999") }, "secret-of-the-patio"), 404);
    await expectStatus(await identify({ code: "12" }, "secret-of-the-patio"), 422);
    const rows = await context.database.db
      .select({
        terminal: cardIdentifications.terminal,
        outcome: cardIdentifications.outcome,
        accountId: cardIdentifications.accountId,
        at: cardIdentifications.at,
      })
      .from(cardIdentifications)
      .orderBy(desc(cardIdentifications.id))
      .limit(3);
    expect(rows.map(({ terminal, outcome, accountId }) => ({ terminal, outcome, accountId }))).toEqual([
      { terminal: "patio", outcome: "invalid_code", accountId: null },
      { terminal: "patio", outcome: "not_found", accountId: null },
      { terminal: "patio", outcome: "identified", accountId: guest.accountId },
    ]);
    for (const row of rows) expect(Math.abs(row.at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("counts the guest's first visit in their source's funnel, once", async () => {
    const { card, guest } = await issuedCard(60_004);
    const [source] = await context.database.db
      .insert(sources)
      .values({ code: "table-qr", name: "Table QR" })
      .returning();
    await context.database.db
      .update(telegramUsers)
      .set({ sourceId: source!.id })
      .where(eq(telegramUsers.id, guest.user.id));

    await expectStatus(await identify({ code: card.pin }), 200);
    await expectStatus(await identify({ code: card.code }), 200);
    const events = await sourceEventsOf(context.database.db, guest.user.id);
    expect(events.filter((event) => event.kind === "first_visit")).toEqual([
      { kind: "first_visit", sourceId: source!.id, code: "table-qr" },
    ]);
  });

  it("greets by first name and surname initial", () => {
    expect(displayName("Александр", "иванов")).toBe("Александр И.");
    expect(displayName("Alex", "")).toBe("Alex");
    expect(displayName(" Ann ", " 𝓩eta")).toBe("Ann 𝓩.");
  });
});
