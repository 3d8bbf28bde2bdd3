import type { CardResponse } from "@guestcard/shared";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, type TestContext } from "../../test/test-app";
import { cards } from "../db/schema";
import { signInitData } from "../demo/launch-url";
import { registerGuests } from "./card-test-fixtures";

describe("the guest's card (security)", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ INIT_DATA_MAX_AGE_SECONDS: "3600" });
  });
  afterAll(() => context.close());

  it("answers 401 to missing, forged, foreign and stale initData, and issues nothing", async () => {
    const [victim] = await registerGuests(context.database.db, 1, { firstTelegramId: 90_001 });
    const valid = context.initData(victim!.user);
    const forgedUser = new URLSearchParams(valid);
    forgedUser.set("user", JSON.stringify({ id: victim!.user.id, first_name: "Mallory" }));
    const attacks: Record<string, string | undefined> = {
      missing: undefined,
      "raw initData without the scheme": valid,
      "a POS key instead": "Bearer secret-till-1",
      "a forged user": `tma ${forgedUser}`,
      "another bot's token": `tma ${signInitData(victim!.user, "987654321:ANOTHER-bot-token-abcdefghijklmnopq")}`,
      "two hours old": `tma ${context.initData(victim!.user, { authDate: new Date(Date.now() - 2 * 3600_000) })}`,
    };
    for (const [what, authorization] of Object.entries(attacks)) {
      for (const method of ["POST", "GET"]) {
        const response = await context.request("/api/card", {
          method,
          headers: authorization === undefined ? {} : { authorization },
        });
        const body = await expectStatus<{ error: { code: string } }>(response, 401);
        expect(body.error.code, `${method} with ${what}`).toBe("unauthorized");
      }
    }
    const [issued] = await context.database.db
      .select({ n: count() })
      .from(cards)
      .where(eq(cards.accountId, victim!.accountId));
    expect(issued?.n).toBe(0);
  });

  it("shows each guest only their own card, whatever the request asks for", async () => {
    const [owner, other] = await registerGuests(context.database.db, 2, { firstTelegramId: 90_011 });
    const ownersCard = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: owner!.user }),
      201,
    );
    // The account is never read from the request: a body or query naming another account is ignored.
    const othersCard = await expectStatus<CardResponse>(
      await context.request(`/api/card?accountId=${owner!.accountId}`, {
        method: "POST",
        as: other!.user,
        json: { accountId: owner!.accountId },
      }),
      201,
    );
    expect(othersCard.code).not.toBe(ownersCard.code);
    const ownerNow = await expectStatus<CardResponse>(
      await context.request("/api/card", { as: owner!.user }),
      200,
    );
    expect(ownerNow.code, "the owner's card was not replaced by the other guest's request").toBe(
      ownersCard.code,
    );
    const otherNow = await expectStatus<CardResponse>(
      await context.request(`/api/card?accountId=${owner!.accountId}`, { as: other!.user }),
      200,
    );
    expect(otherNow.code).toBe(othersCard.code);
  });
});
