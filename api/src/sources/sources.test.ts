import type { ErrorEnvelope, Source, SourceListResponse } from "@guestcard/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";

const manager = guest(9_400, "Manager");

describe("acquisition sources", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  // A context per test: each starts with the default source alone and the environment's settings.
  beforeEach(async () => {
    fake = await startFakeBotApi({ username: "trattoria_bot" });
    context = await createTestContext({
      TELEGRAM_API_ROOT: fake.apiRoot,
      ADMIN_TELEGRAM_IDS: String(manager.id),
      MINI_APP_SHORT_NAME: "card",
    });
  });
  afterEach(async () => {
    await context.close();
    await fake.close();
  });

  const create = (json: unknown) => context.request("/api/manager/sources", { as: manager, json });
  const patch = (id: number | string, json: unknown) =>
    context.request(`/api/manager/sources/${id}`, { as: manager, method: "PATCH", json });
  const list = async () =>
    expectStatus<SourceListResponse>(await context.request("/api/manager/sources", { as: manager }), 200);

  it("has the plain bot link's source from the start, with the bot's username from getMe", async () => {
    const { bot, sources } = await list();
    expect(bot).toEqual({
      botUsername: "trattoria_bot",
      miniAppShortName: "card",
      botLink: "https://t.me/trattoria_bot",
      miniAppLink: "https://t.me/trattoria_bot/card",
    });
    expect(sources[0]).toMatchObject({
      code: "default",
      isDefault: true,
      archivedAt: null,
      links: { bot: "https://t.me/trattoria_bot", miniApp: "https://t.me/trattoria_bot/card" },
    });
  });

  it("creates a source with the code given, and both links", async () => {
    const { source } = await expectStatus<{ source: Source }>(
      await create({ name: "  Table tents, Nevsky ", code: "tents_Nevsky-1" }),
      201,
    );
    expect(source).toMatchObject({
      name: "Table tents, Nevsky",
      code: "tents_Nevsky-1",
      isDefault: false,
      archivedAt: null,
      links: {
        bot: "https://t.me/trattoria_bot?start=tents_Nevsky-1",
        miniApp: "https://t.me/trattoria_bot/card?startapp=tents_Nevsky-1",
      },
    });
    expect((await list()).sources.map((each) => each.code)).toContain("tents_Nevsky-1");
  });

  it("generates a code when none is given: unique, and valid for /start and startapp", async () => {
    const codes = new Set<string>();
    for (let index = 0; index < 20; index += 1) {
      const { source } = await expectStatus<{ source: Source }>(
        await create({ name: `Flyer ${index}` }),
        201,
      );
      expect(source.code).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{7}$/);
      codes.add(source.code);
    }
    expect(codes.size).toBe(20);
  });

  it("answers 409 with a clear message for a code that is taken, the default one included", async () => {
    await expectStatus(await create({ name: "Receipts", code: "receipts" }), 201);
    for (const code of ["receipts", "default"]) {
      const body = await expectStatus<ErrorEnvelope>(await create({ name: "Another", code }), 409);
      expect(body.error.code).toBe("conflict");
      expect(body.error.message).toContain(`"${code}"`);
      expect(body.error.fields).toEqual({ code: "already used by another source" });
      expect(body.error.fieldErrors).toEqual({ code: { code: "already_used" } });
    }
  });

  it.each([
    ["a code with spaces", { name: "X", code: "table tents" }, "code"],
    ["a code with emoji", { name: "X", code: "tents🍕" }, "code"],
    ["a code over 64 characters", { name: "X", code: "a".repeat(65) }, "code"],
    ["a code with Cyrillic letters", { name: "X", code: "столы" }, "code"],
    ["an empty code", { name: "X", code: "" }, "code"],
    ["no name", { code: "fine" }, "name"],
    ["a blank name", { name: "   ", code: "fine" }, "name"],
    ["a name over 100 characters", { name: "n".repeat(101), code: "fine" }, "name"],
  ])("answers 422 for %s, and creates nothing", async (_case, json, field) => {
    const before = (await list()).sources.length;
    const body = await expectStatus<ErrorEnvelope>(await create(json), 422);
    expect(body.error.code).toBe("validation_failed");
    expect(Object.keys(body.error.fields ?? {})).toEqual([field]);
    expect((await list()).sources.length).toBe(before);
  });

  it("renames, archives and restores a source; the code stays", async () => {
    const { source } = await expectStatus<{ source: Source }>(
      await create({ name: "Menu", code: "menu" }),
      201,
    );
    const renamed = await expectStatus<{ source: Source }>(
      await patch(source.id, { name: "Menu, back page" }),
      200,
    );
    expect(renamed.source).toMatchObject({ name: "Menu, back page", code: "menu", archivedAt: null });

    const archived = await expectStatus<{ source: Source }>(await patch(source.id, { archived: true }), 200);
    expect(archived.source.archivedAt).not.toBeNull();
    const listed = (await list()).sources.find((each) => each.id === source.id);
    expect(listed?.archivedAt).toBe(archived.source.archivedAt);

    const restored = await expectStatus<{ source: Source }>(await patch(source.id, { archived: false }), 200);
    expect(restored.source.archivedAt).toBeNull();
    // The code is what is printed: a PATCH cannot change it.
    const attempt = await expectStatus<{ source: Source }>(await patch(source.id, { code: "other" }), 200);
    expect(attempt.source.code).toBe("menu");
  });

  it("refuses to archive the plain bot link's source (409), but renames it", async () => {
    const defaultSource = (await list()).sources.find((each) => each.isDefault);
    if (!defaultSource) throw new Error("no default source");
    const body = await expectStatus<ErrorEnvelope>(await patch(defaultSource.id, { archived: true }), 409);
    expect(body.error.code).toBe("conflict");
    await expectStatus(await patch(defaultSource.id, { name: "Bot link on the door" }), 200);
  });

  it("answers 404 for a source that does not exist, and 422 for a bad update", async () => {
    expect((await expectStatus<ErrorEnvelope>(await patch(999_999, { name: "X" }), 404)).error.code).toBe(
      "not_found",
    );
    expect((await expectStatus<ErrorEnvelope>(await patch("abc", { name: "X" }), 404)).error.code).toBe(
      "not_found",
    );
    const { sources } = await list();
    const body = await expectStatus<ErrorEnvelope>(
      await patch(sources[0]?.id ?? 1, { archived: "yes" }),
      422,
    );
    expect(body.error.fields).toHaveProperty("archived");
  });

  it("builds the Mini App links from the short name setting", async () => {
    await expectStatus(await create({ name: "Receipts", code: "receipts" }), 201);
    await expectStatus(
      await context.request("/api/manager/settings", {
        as: manager,
        method: "PUT",
        json: { miniAppShortName: "loyalty" },
      }),
      200,
    );
    const menu = (await list()).sources.find((each) => each.code === "receipts");
    expect(menu?.links.miniApp).toBe("https://t.me/trattoria_bot/loyalty?startapp=receipts");
    expect((await list()).bot.miniAppLink).toBe("https://t.me/trattoria_bot/loyalty");
  });

  it("asks Telegram for the bot's username once", async () => {
    await list();
    await list();
    expect(fake.callsTo("getMe").length).toBe(1);
  });
});
