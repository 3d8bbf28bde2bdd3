import type { ErrorEnvelope } from "@guestcard/shared";
import type { User } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  chatMemberUpdate,
  deliver,
  groupChat,
  membersMessageUpdate,
  testManagerChatId,
  textUpdate,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { createManagerAccess } from "./manager-access";
import { isChatMember, refreshChatMembers } from "./manager-chat-members";

const managerChatId = testManagerChatId;
const adminId = 9_100;
const member = guest(9_201, "Member");
const outsider = guest(9_202, "Outsider");
const leaver = guest(9_203, "Leaver");
const kicked = guest(9_204, "Kicked");
const restrictedOut = guest(9_205, "Restricted");
const chatAdmin = guest(9_206, "ChatAdmin");
const restrictedIn = guest(9_207, "RestrictedIn");
const botUser: User = { id: Number(testBotToken.split(":")[0]), is_bot: true, first_name: "Guestcard Test" };

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

const ok = async (response: Response) => expect(response.status, await response.clone().text()).toBe(200);

describe("manager access over HTTP: the managers' list the bot keeps", () => {
  let fake: FakeBotApi;
  let context: TestContext;

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(
      webhookEnvironment(fake.apiRoot, { ADMIN_TELEGRAM_IDS: String(adminId) }),
    );
    // The chat's administrators come from the refresh (getChatAdministrators), the rest from updates.
    fake.setChatMember(managerChatId, chatAdmin.id, "administrator");
    expect(await refreshChatMembers(context.database.db, context.telegram!, managerChatId)).toBe("refreshed");
    for (const update of [
      chatMemberUpdate(member, "member"),
      chatMemberUpdate(leaver, "member"),
      chatMemberUpdate(leaver, "left"),
      chatMemberUpdate(kicked, "member"),
      chatMemberUpdate(kicked, "kicked"),
      chatMemberUpdate(restrictedOut, "restricted", { isMember: false }),
      chatMemberUpdate(restrictedIn, "restricted", { isMember: true }),
      // The same statuses in another group count for nothing.
      chatMemberUpdate(outsider, "administrator", { chat: groupChat(-1_009_999) }),
    ]) {
      await ok(await deliver(context, update));
    }
    fake.reset();
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

  it("lets in members, restricted members and administrators of the managers' chat, and admin ids", async () => {
    for (const who of [member, restrictedIn, chatAdmin, guest(adminId, "Admin")]) {
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

  it("tells /api/me who is a manager without asking Telegram", async () => {
    const isManager = async (who: ReturnType<typeof guest>) =>
      (await expectStatus<{ isManager: boolean }>(await context.request("/api/me", { as: who }), 200))
        .isManager;
    const answers: boolean[] = [];
    for (const who of [member, chatAdmin, restrictedIn, guest(adminId, "Admin")])
      answers.push(await isManager(who));
    for (const who of [outsider, leaver, kicked, restrictedOut]) answers.push(await isManager(who));
    expect(answers).toEqual([true, true, true, true, false, false, false, false]);
    expect(fake.calls.map((call) => call.method)).toEqual([]);
  });
});

describe("manager access: leaving, rejoining and the bot's own membership", () => {
  let fake: FakeBotApi;
  let context: TestContext;
  const request = (who: ReturnType<typeof guest>) => context.request("/api/manager/settings", { as: who });

  beforeAll(async () => {
    fake = await startFakeBotApi();
    context = await createTestContext(webhookEnvironment(fake.apiRoot));
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  afterEach(() => fake.reset());

  it("ends access the moment Telegram says the manager left, and an older update cannot bring it back", async () => {
    const manager = guest(9_301, "Soon gone");
    const now = Math.floor(Date.now() / 1000);
    await ok(await deliver(context, chatMemberUpdate(manager, "member", { date: now - 10 })));
    await expectStatus(await request(manager), 200);
    await ok(await deliver(context, chatMemberUpdate(manager, "left", { date: now })));
    expect((await expectStatus<ErrorEnvelope>(await request(manager), 403)).error.code).toBe("forbidden");
    // A re-ordered, older "member" (updates and refreshes can cross) changes nothing.
    await ok(await deliver(context, chatMemberUpdate(manager, "member", { date: now - 5 })));
    await expectStatus(await request(manager), 403);
  });

  it("learns members from the chat's service messages and from people writing in it", async () => {
    const [joiner, writer, departed] = [
      guest(9_311, "Joiner"),
      guest(9_312, "Writer"),
      guest(9_313, "Departed"),
    ];
    await ok(await deliver(context, membersMessageUpdate(joiner, { joined: [joiner, departed] })));
    await ok(await deliver(context, textUpdate(writer, "hello everyone", groupChat())));
    for (const who of [joiner, writer, departed]) await expectStatus(await request(who), 200);
    await ok(await deliver(context, membersMessageUpdate(departed, { left: departed })));
    await expectStatus(await request(departed), 403);
    // Writing in a private chat proves nothing.
    const stranger = guest(9_314, "Stranger");
    await ok(await deliver(context, textUpdate(stranger, "hello")));
    await expectStatus(await request(stranger), 403);
  });

  it("the refresh catches a removal the bot did not hear of", async () => {
    const quiet = guest(9_321, "Quiet");
    await ok(await deliver(context, chatMemberUpdate(quiet, "member")));
    await expectStatus(await request(quiet), 200);
    fake.setChatMember(managerChatId, quiet.id, "kicked");
    expect(await refreshChatMembers(context.database.db, context.telegram!, managerChatId)).toBe("refreshed");
    await expectStatus(await request(quiet), 403);
  });

  it("nobody counts once the bot is removed from the chat, or Telegram says it is not in it", async () => {
    const [first, second] = [guest(9_331, "First"), guest(9_332, "Second")];
    await ok(await deliver(context, chatMemberUpdate(first, "member")));
    await expectStatus(await request(first), 200);
    await ok(await deliver(context, chatMemberUpdate(botUser, "kicked", { kind: "my_chat_member" })));
    await expectStatus(await request(first), 403);

    await ok(await deliver(context, chatMemberUpdate(second, "member")));
    await expectStatus(await request(second), 200);
    fake.failNext(1, { status: 403, description: "Forbidden: bot was kicked from the supergroup chat" });
    expect(await refreshChatMembers(context.database.db, context.telegram!, managerChatId)).toBe(
      "bot_not_in_chat",
    );
    await expectStatus(await request(second), 403);
  });

  it("keeps the list as it was when Telegram cannot answer the refresh", async () => {
    const steady = guest(9_341, "Steady");
    await ok(await deliver(context, chatMemberUpdate(steady, "member")));
    // Rate limited for longer than the client waits (auto-retry gives up past 30 s).
    fake.failNext(1, { status: 429, retryAfter: 120 });
    expect(await refreshChatMembers(context.database.db, context.telegram!, managerChatId)).toBe("failed");
    await expectStatus(await request(steady), 200);
  });
});

describe("createManagerAccess", () => {
  it("counts creator, administrator, member and a restricted member; not left, kicked or restricted non-members", () => {
    const statuses = [
      { status: "creator" },
      { status: "administrator" },
      { status: "member" },
      { status: "restricted", is_member: true },
      { status: "restricted", is_member: false },
      { status: "left" },
      { status: "kicked" },
    ] as const;
    expect(statuses.map((status) => isChatMember(status))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("without MANAGER_CHAT_ID only admin ids are managers, and the database is not asked", async () => {
    const db = new Proxy({}, { get: () => expect.unreachable("the database was asked") }) as never;
    const access = createManagerAccess({ db, adminTelegramIds: [2] });
    expect([await access.isManager(1), await access.isManager(2)]).toEqual([false, true]);
  });
});
