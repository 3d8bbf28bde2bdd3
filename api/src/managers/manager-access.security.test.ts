import type { ErrorEnvelope } from "@guestcard/shared";
import { Api } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { createManagerAccess } from "./manager-access";

const managerChatId = -1_001_555_000_111;
const adminId = 9_100;
const member = guest(9_201, "Member");
const outsider = guest(9_202, "Outsider");
const leaver = guest(9_203, "Leaver");
const kicked = guest(9_204, "Kicked");
const restrictedOut = guest(9_205, "Restricted");
const chatAdmin = guest(9_206, "ChatAdmin");

/** Every manager endpoint, as a non-manager might try it (with a body that would otherwise be valid). */
const managerEndpoints: Array<{ method: string; path: string; json?: unknown; csv?: string }> = [
  { method: "GET", path: "/api/manager/sources" },
  { method: "POST", path: "/api/manager/sources", json: { name: "Table tents", code: "tents" } },
  { method: "PATCH", path: "/api/manager/sources/1", json: { name: "Renamed" } },
  { method: "GET", path: "/api/manager/stats?period=all" },
  { method: "GET", path: "/api/manager/stats?period=7d&format=csv" },
  { method: "GET", path: "/api/manager/settings" },
  { method: "PUT", path: "/api/manager/settings", json: { cardTtlSeconds: 60 } },
  { method: "POST", path: "/api/manager/accounts/import", csv: "phone\n+79211234567\n" },
  { method: "GET", path: "/api/manager/no-such-endpoint" },
];

describe("manager access over HTTP", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    fake.setChatMember(managerChatId, member.id, "member");
    fake.setChatMember(managerChatId, chatAdmin.id, "administrator");
    fake.setChatMember(managerChatId, leaver.id, "left");
    fake.setChatMember(managerChatId, kicked.id, "kicked");
    fake.setChatMember(managerChatId, restrictedOut.id, "restricted");
    context = await createTestContext({
      TELEGRAM_API_ROOT: fake.apiRoot,
      MANAGER_CHAT_ID: String(managerChatId),
      ADMIN_TELEGRAM_IDS: String(adminId),
    });
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  const send = (endpoint: (typeof managerEndpoints)[number], as?: ReturnType<typeof guest>) =>
    context.request(endpoint.path, {
      method: endpoint.method,
      ...(as ? { as } : {}),
      ...(endpoint.json !== undefined ? { json: endpoint.json } : {}),
      ...(endpoint.csv !== undefined ? { body: endpoint.csv, headers: { "content-type": "text/csv" } } : {}),
    });

  it.each(managerEndpoints)(
    "refuses $method $path to someone outside the managers' chat with 403",
    async (endpoint) => {
      for (const who of [outsider, leaver, kicked, restrictedOut]) {
        const body = await expectStatus<ErrorEnvelope>(await send(endpoint, who), 403);
        expect(body.error.code, who.firstName).toBe("forbidden");
      }
    },
  );

  it.each(managerEndpoints)("answers $method $path with 401 without initData", async (endpoint) => {
    const body = await expectStatus<ErrorEnvelope>(await send(endpoint), 401);
    expect(body.error.code).toBe("unauthorized");
  });

  it("refuses initData signed with another bot's token, even for an admin id", async () => {
    const forged = await context.request("/api/manager/sources", {
      headers: {
        authorization: `tma ${new URLSearchParams({ user: JSON.stringify({ id: adminId, first_name: "A" }), auth_date: String(Math.floor(Date.now() / 1000)), hash: "0".repeat(64) })}`,
      },
    });
    expect(forged.status).toBe(401);
  });

  it("lets in members and administrators of the managers' chat, and admin ids", async () => {
    for (const who of [member, chatAdmin, guest(adminId, "Admin")]) {
      await expectStatus(await context.request("/api/manager/settings", { as: who }), 200);
    }
  });

  it("refuses a non-manager before looking at the body: a malformed one is still a 403", async () => {
    // The manager check comes before the body is read: an outsider learns nothing about validation.
    const response = await context.request("/api/manager/sources", {
      as: outsider,
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect((await expectStatus<ErrorEnvelope>(response, 403)).error.code).toBe("forbidden");
  });

  it("tells /api/me who is a manager", async () => {
    const asMember = await expectStatus<{ isManager: boolean }>(
      await context.request("/api/me", { as: member }),
      200,
    );
    const asOutsider = await expectStatus<{ isManager: boolean }>(
      await context.request("/api/me", { as: outsider }),
      200,
    );
    expect([asMember.isManager, asOutsider.isManager]).toEqual([true, false]);
  });
});

describe("manager access: someone who leaves the managers' chat", () => {
  let fake: FakeBotApi;
  let context: TestContext;
  let clock = 1_000_000;
  const ttlMs = 5 * 60_000;
  const manager = guest(9_301, "Soon gone");

  beforeAll(async () => {
    fake = await startFakeBotApi();
    const telegram = new Api(testBotToken, { apiRoot: fake.apiRoot });
    context = await createTestContext(
      { TELEGRAM_API_ROOT: fake.apiRoot },
      {
        managerAccess: createManagerAccess({
          adminTelegramIds: [],
          managerChatId,
          telegram,
          cacheTtlMs: ttlMs,
          now: () => clock,
        }),
      },
    );
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  afterEach(() => fake.reset());

  it("keeps access until the cached answer expires, then gets 403", async () => {
    fake.setChatMember(managerChatId, manager.id, "member");
    await expectStatus(await context.request("/api/manager/settings", { as: manager }), 200);
    expect(fake.callsTo("getChatMember")).toHaveLength(1);

    fake.setChatMember(managerChatId, manager.id, "left");
    clock += 60_000; // a minute later the cached "member" still holds: no Bot API call per request
    await expectStatus(await context.request("/api/manager/settings", { as: manager }), 200);
    expect(fake.callsTo("getChatMember")).toHaveLength(1);

    clock += ttlMs; // past the cache lifetime Telegram is asked again and says "left"
    const body = await expectStatus<ErrorEnvelope>(
      await context.request("/api/manager/settings", { as: manager }),
      403,
    );
    expect(body.error.code).toBe("forbidden");
    expect(fake.callsTo("getChatMember")).toHaveLength(2);
    expect(fake.callsTo("getChatMember")[1]?.params).toMatchObject({
      chat_id: managerChatId,
      user_id: manager.id,
    });
  });

  it("fails closed when Telegram cannot answer, and asks again soon after", async () => {
    const other = guest(9_302, "Other");
    fake.setChatMember(managerChatId, other.id, "member");
    fake.failNext(1, { status: 403, description: "Forbidden: bot was kicked from the supergroup chat" });
    await expectStatus(await context.request("/api/manager/settings", { as: other }), 403);
    clock += 20_000;
    await expectStatus(await context.request("/api/manager/settings", { as: other }), 200);
  });
});

describe("createManagerAccess", () => {
  const lookup = (statuses: Record<number, string>) => {
    let calls = 0;
    return {
      calls: () => calls,
      getChatMember: async (_chatId: number, userId: number) => {
        calls += 1;
        const status = statuses[userId] ?? "left";
        const user = { id: userId, is_bot: false, first_name: "U" };
        return (
          status === "restricted-in"
            ? { status: "restricted", user, is_member: true }
            : status === "restricted-out"
              ? { status: "restricted", user, is_member: false }
              : { status, user }
        ) as never;
      },
    };
  };

  it("counts creator, administrator, member and a restricted member; not left, kicked or restricted non-members", async () => {
    const telegram = lookup({
      1: "creator",
      2: "administrator",
      3: "member",
      4: "restricted-in",
      5: "restricted-out",
      6: "left",
      7: "kicked",
    });
    const access = createManagerAccess({ adminTelegramIds: [], managerChatId: -1, telegram });
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((id) => access.isManager(id)));
    expect(answers).toEqual([true, true, true, true, false, false, false]);
  });

  it("shares one Bot API call between concurrent checks of the same user", async () => {
    const telegram = lookup({ 1: "member" });
    const access = createManagerAccess({ adminTelegramIds: [], managerChatId: -1, telegram });
    await Promise.all([access.isManager(1), access.isManager(1), access.isManager(1)]);
    expect(telegram.calls()).toBe(1);
  });

  it("without MANAGER_CHAT_ID only admin ids are managers, and Telegram is never asked", async () => {
    const telegram = lookup({ 1: "member" });
    const access = createManagerAccess({ adminTelegramIds: [2], telegram });
    expect([await access.isManager(1), await access.isManager(2)]).toEqual([false, true]);
    expect(telegram.calls()).toBe(0);
  });
});

describe("createManagerAccess: how long answers are trusted", () => {
  it("re-checks a member after the short TTL, but trusts 'not a member' for longer", async () => {
    let clock = 0;
    let calls = 0;
    let status: "member" | "left" = "left";
    const access = createManagerAccess({
      adminTelegramIds: [],
      managerChatId,
      telegram: {
        getChatMember: async (_chatId, userId) => {
          calls += 1;
          return { status, user: { id: userId, is_bot: false, first_name: "U" } } as never;
        },
      },
      cacheTtlMs: 1_000,
      nonMemberCacheTtlMs: 10_000,
      now: () => clock,
    });

    expect(await access.isManager(1)).toBe(false);
    status = "member";
    clock = 5_000; // past the member TTL, within the non-member one: no new Bot API call
    expect(await access.isManager(1)).toBe(false);
    expect(calls).toBe(1);

    clock = 10_001;
    expect(await access.isManager(1)).toBe(true);
    expect(calls).toBe(2);

    status = "left";
    clock = 11_002; // a member's answer expires after the short TTL
    expect(await access.isManager(1)).toBe(false);
    expect(calls).toBe(3);
  });
});
