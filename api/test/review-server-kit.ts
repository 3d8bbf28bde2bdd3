// Real server processes (`tsx src/main.ts`, as `pnpm start` runs it) for the delivery tests that
// need more than one process or a crash: a guest shares a phone through the webhook, as Telegram
// would deliver it, and sends reviews through the real HTTP API.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { signInitData } from "../src/demo/launch-url";
import { secretHeader } from "../src/telegram/webhook";
import { type ServerProcess, startServer } from "./server-process";
import { contactUpdate, type TestTelegramUser } from "./telegram-updates";
import { testBotToken } from "./test-app";

export const serverManagersChatId = -1_001_888_000_001;
const webhookSecret = "review-delivery_test-secret";

/** The environment of a server whose bot and worker talk to `apiRoot`, with delivery timings shortened. */
export function reviewServerEnvironment(apiRoot: string, database: { dataDir: string } | { url: string }) {
  return {
    BOT_TOKEN: testBotToken,
    BOT_MODE: "webhook",
    PUBLIC_URL: "https://guestcard.example.test",
    WEBHOOK_SECRET: webhookSecret,
    TELEGRAM_API_ROOT: apiRoot,
    MANAGER_CHAT_ID: String(serverManagersChatId),
    LOG_LEVEL: "warn",
    DELIVERY_POLL_INTERVAL_MS: "20",
    DELIVERY_LEASE_MS: "1500",
    DELIVERY_BACKOFF_BASE_MS: "50",
    // Pacing is not under test here; the burst test covers it.
    DELIVERY_GROUP_MESSAGES: "1000",
    ...("url" in database ? { DATABASE_URL: database.url } : { DATA_DIR: database.dataDir }),
  };
}

export function startReviewServer(environment: Record<string, string>): Promise<ServerProcess> {
  return startServer(environment, 90_000);
}

/** The guest shares their own contact with the bot (a webhook update), then the API knows their phone. */
export async function shareGuestPhone(
  server: ServerProcess,
  user: TestTelegramUser,
  phone: string,
): Promise<void> {
  const response = await fetch(`${server.url}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", [secretHeader]: webhookSecret },
    body: JSON.stringify(contactUpdate(user, phone)),
  });
  if (response.status !== 200)
    throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  const me = await fetch(`${server.url}/api/me`, { headers: authorization(user) });
  const body = (await me.json()) as { status: string };
  if (body.status === "needs_phone") throw new Error("the contact did not reach the guest's record");
}

export function authorization(user: TestTelegramUser): Record<string, string> {
  return {
    authorization: `tma ${signInitData(
      { id: user.id, firstName: user.firstName, lastName: user.lastName, username: user.username },
      testBotToken,
    )}`,
  };
}

export async function postReviewTo(
  server: ServerProcess,
  user: TestTelegramUser,
  text: string,
): Promise<string> {
  const response = await fetch(`${server.url}/api/reviews`, {
    method: "POST",
    headers: { ...authorization(user), "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  const body = await response.text();
  if (response.status !== 202) throw new Error(`POST /api/reviews answered ${response.status}: ${body}`);
  return (JSON.parse(body) as { id: string }).id;
}

/** Whether each of the guest's reviews is delivered, as the guest's own API shows it. */
export async function deliveredStates(server: ServerProcess, user: TestTelegramUser): Promise<boolean[]> {
  const response = await fetch(`${server.url}/api/reviews`, { headers: authorization(user) });
  const body = (await response.json()) as { reviews: Array<{ delivered: boolean }> };
  return body.reviews.map((review) => review.delivered);
}

/**
 * A database of its own on a PostgreSQL server, for server processes to share; dropped afterwards.
 * Undefined when no server answers (then the caller runs its PGlite variant).
 */
export async function createServerDatabase(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  const name = `guestcard_delivery_${randomBytes(6).toString("hex")}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch {
    await admin.end({ timeout: 1 }).catch(() => undefined);
    return undefined;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The PostgreSQL server the multi-process tests use: TEST_DATABASE_URL, else the local one if it answers. */
export const postgresServerUrl =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** True when a PostgreSQL server answers at `serverUrl` within a few seconds. */
export async function postgresAnswers(serverUrl: string): Promise<boolean> {
  const probe = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 }).catch(() => undefined);
  }
}
