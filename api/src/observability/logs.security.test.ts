// The whole guest journey against the real server process (`tsx src/main.ts`, webhook mode, a fake
// Bot API), at LOG_LEVEL=debug, then a search of everything the server printed for the guest's
// personal data and for every secret it was given: none may appear, in any spelling.
import { rmSync } from "node:fs";
import type { CardResponse } from "@guestcard/shared";
import { parsePhoneNumber } from "libphonenumber-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import { createServerDatabase } from "../../test/review-server-kit";
import { migratedDataDir, type ServerProcess, startServer } from "../../test/server-process";
import {
  contactUpdate,
  startUpdate,
  telegramUser,
  testManagerChatId,
  testPublicUrl,
  testWebhookSecret,
  textUpdate,
} from "../../test/telegram-updates";
import { testBotToken } from "../../test/test-app";
import { signInitData } from "../demo/launch-url";
import { secretHeader } from "../telegram/webhook";

const phone = "+79095339392";
const otherPhone = "+79261234567";
const email = "zhivagova.anna@example.com";
const lastName = "Zhivagova";
const posSecret = "till-secret_Q7w8e9r0t1y2";
const metricsToken = "metrics_token-Z9x8c7v6b5n4m3";

/** Every way a phone number may be written: E.164, international, national, tel: URI, bare digits. */
function spellings(e164: string): string[] {
  const parsed = parsePhoneNumber(e164);
  return [
    e164,
    e164.slice(1),
    parsed.nationalNumber,
    parsed.formatInternational(),
    parsed.formatNational(),
    parsed.getURI(),
    `8${parsed.nationalNumber}`,
  ];
}

describe("logs of a whole guest journey", () => {
  let telegram: FakeBotApi;
  let server: ServerProcess;
  let cleanUp: () => Promise<void> = async () => {};
  const guest = telegramUser(7_300_001, "Anna");
  const initData = signInitData(
    { id: guest.id, firstName: guest.firstName, lastName: guest.lastName, username: guest.username },
    testBotToken,
  );
  const asGuest = { authorization: `tma ${initData}` };

  beforeAll(async () => {
    telegram = await startFakeBotApi();
    let databaseEnvironment: Record<string, string>;
    const serverUrl = process.env.TEST_DATABASE_URL;
    const database = serverUrl ? await createServerDatabase(serverUrl) : undefined;
    if (database) {
      databaseEnvironment = { DATABASE_URL: database.url };
      cleanUp = database.drop;
    } else {
      const dataDir = migratedDataDir("guestcard-logs-");
      databaseEnvironment = { DATA_DIR: dataDir };
      cleanUp = async () => rmSync(dataDir, { recursive: true, force: true });
    }
    server = await startServer(
      {
        BOT_TOKEN: testBotToken,
        BOT_MODE: "webhook",
        PUBLIC_URL: testPublicUrl,
        WEBHOOK_SECRET: testWebhookSecret,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        MANAGER_CHAT_ID: String(testManagerChatId),
        POS_API_KEYS: `till:${posSecret}`,
        METRICS_TOKEN: metricsToken,
        LOG_LEVEL: "debug",
        NODE_ENV: "production",
        DELIVERY_POLL_INTERVAL_MS: "50",
        ...databaseEnvironment,
      },
      90_000,
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await telegram?.close();
    await cleanUp();
  });

  const webhook = (update: unknown, secret = testWebhookSecret) =>
    fetch(`${server.url}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", [secretHeader]: secret },
      body: JSON.stringify(update),
    });
  const api = (
    path: string,
    init: { method?: string; headers?: Record<string, string>; json?: unknown } = {},
  ) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? (init.json === undefined ? "GET" : "POST"),
      headers: {
        ...init.headers,
        ...(init.json === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  const expectStatus = async (response: Response, status: number) => {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    return text ? JSON.parse(text) : undefined;
  };

  it("contains none of the guest's phone, e-mail or surname, nor any token, secret or initData", async () => {
    // The bot: /start, a stranger's contact (refused), the guest's own (as Telegram sends it, bare
    // digits), the same update again, and a text with the number typed in.
    await expectStatus(await webhook(startUpdate(guest, "table-7")), 200);
    await expectStatus(await webhook(contactUpdate(guest, otherPhone.slice(1), { userId: 99 })), 200);
    const contact = contactUpdate(guest, phone.slice(1));
    await expectStatus(await webhook(contact), 200);
    await expectStatus(await webhook(contact), 200);
    await expectStatus(await webhook(textUpdate(guest, `my number is ${spellings(phone)[4]}`)), 200);
    await expectStatus(await webhook(startUpdate(guest), "wrong-secret"), 401);

    // The Mini App: who am I, register, a card.
    expect((await expectStatus(await api("/api/me", { headers: asGuest }), 200)).status).toBe(
      "needs_registration",
    );
    await expectStatus(
      await api("/api/registration", {
        headers: asGuest,
        json: {
          lastName,
          firstName: "Anna",
          email,
          birthday: "1991-04-12",
          consents: { personalData: true },
        },
      }),
      201,
    );
    const card = (await expectStatus(
      await api("/api/card", { method: "POST", headers: asGuest }),
      201,
    )) as CardResponse;
    await expectStatus(await api("/api/card", { headers: asGuest }), 200);

    // The till: the PIN, the QR code, a misheard PIN, a wrong key.
    const till = { authorization: `Bearer ${posSecret}` };
    await expectStatus(await api("/api/pos/identify", { headers: till, json: { code: card.pin } }), 200);
    await expectStatus(await api("/api/pos/identify", { headers: till, json: { code: card.code } }), 200);
    const misheard = `${card.pin.slice(0, 5)}${(Number(card.pin[5]) + 1) % 10}`;
    await expectStatus(await api("/api/pos/identify", { headers: till, json: { code: misheard } }), 422);
    await expectStatus(
      await api("/api/pos/identify", {
        headers: { authorization: `Bearer ${posSecret}x` },
        json: { code: card.pin },
      }),
      401,
    );

    // A review that quotes the phone, delivered to the managers' chat (where the phone belongs).
    await expectStatus(
      await api("/api/reviews", {
        headers: asGuest,
        json: { text: `Lovely evening. Call me: ${spellings(phone)[3]}, ${email}`, rating: 5 },
      }),
      202,
    );
    await telegram.waitFor(() => telegram.messagesTo(testManagerChatId).length >= 1, 15_000);

    // Forged and malformed initData, and the metrics with their token.
    await expectStatus(
      // One hex digit of the hash changed (to a different digit: a hash may already start with 0).
      await api("/api/me", {
        headers: {
          authorization: `tma ${initData.replace(/hash=(\w)/, (_, first) => `hash=${first === "0" ? "1" : "0"}`)}`,
        },
      }),
      401,
    );
    await expectStatus(await api("/api/me", { headers: { authorization: `tma ${phone}` } }), 401);
    expect((await api("/metrics", { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(
      200,
    );

    // Stopping flushes whatever is still buffered.
    expect(await server.stop("SIGTERM")).toBe(0);
    const output = server.output();

    const forbidden: Record<string, string[]> = {
      "the guest's phone": spellings(phone),
      "a stranger's phone the guest sent": spellings(otherPhone),
      "the guest's e-mail": [email],
      "the guest's surname": [lastName],
      "the bot token": [testBotToken, testBotToken.split(":")[1] as string],
      "the webhook secret": [testWebhookSecret],
      "the POS secret": [posSecret],
      "the metrics token": [metricsToken],
      "the initData": [initData, new URLSearchParams(initData).get("hash") as string],
    };
    for (const [what, values] of Object.entries(forbidden)) {
      for (const value of values) {
        const at = output.indexOf(value);
        expect(
          at,
          `${what} (${value}) is in the log: …${output.slice(Math.max(0, at - 200), at + 100)}…`,
        ).toBe(-1);
      }
    }

    // The logger's safety net (redaction by field name, secrets blanked out) had nothing to catch:
    // the call sites themselves keep personal data and secrets out.
    expect(output).not.toContain("[redacted]");

    // The search was over a real log: JSON lines, each request with its id, each update with its id.
    const lines = output
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("Guestcard is running"))
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`A log line that is not JSON: ${line}`);
        }
      });
    const requests = lines.filter((line) => line.msg === "request");
    expect(requests.length).toBeGreaterThanOrEqual(18);
    for (const line of requests) expect(line.requestId, JSON.stringify(line)).toMatch(/^[0-9a-f-]{36}$/);
    const webhookLines = requests.filter((line) => line.route === "/telegram/webhook" && line.status === 200);
    expect(webhookLines).toHaveLength(5);
    for (const line of webhookLines) expect(line.updateId, JSON.stringify(line)).toEqual(expect.any(Number));
    const shared = lines.find((line) => line.msg === "phone shared");
    expect(shared).toMatchObject({ updateId: contact.update_id, requestId: expect.any(String) });
    expect(lines.some((line) => line.msg === "update already processed, ignored")).toBe(true);
    expect(lines.some((line) => line.msg === "outbox: delivered")).toBe(true);
  }, 120_000);
});
