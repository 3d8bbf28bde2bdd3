// What the review-delivery tests share: the real app and database, the real outbox worker with the
// review handlers, and grammY's real `Api` pointed at the fake Bot API. Timings are shortened
// through the worker's options; nothing here sleeps for a fixed time.
import { Writable } from "node:stream";
import { isNotNull } from "drizzle-orm";
import { Api } from "grammy";
import pino from "pino";
import { expect } from "vitest";
import type { Database } from "../src/db/client";
import { outboxJobs, reviews } from "../src/db/schema";
import type { LaunchUser } from "../src/demo/launch-url";
import { acceptVerifiedPhone } from "../src/guests/guests";
import type { Logger } from "../src/logger";
import type { GroupPacing } from "../src/outbox/group-pacing";
import { createOutboxWorker, type OutboxWorker, type OutboxWorkerTiming } from "../src/outbox/outbox-worker";
import { reviewDeliveryHandlers } from "../src/reviews/delivery-handlers";
import { type FakeBotApi, type FakeBotApiOptions, startFakeBotApi } from "./fake-bot-api";
import { createTestContext, expectStatus, type TestContext, testBotToken } from "./test-app";

export const managersChatId = -1_001_777_000_001;

/** Fast enough for tests, slow enough to show the worker really waits between attempts. */
export const fastTiming: Partial<OutboxWorkerTiming> = {
  pollIntervalMs: 10,
  leaseMs: 5000,
  backoffBaseMs: 50,
  backoffMaxMs: 1000,
  permanentRetryMs: 60_000,
};

/** A pino logger whose JSON lines the test can read (e.g. to see that an error was logged loudly). */
export function capturingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines: () => lines };
}

export interface DeliveryKit {
  fake: FakeBotApi;
  context: TestContext;
  db: Database;
  api: Api;
  logs: () => Array<Record<string, unknown>>;
  /** A worker with the review handlers; each call makes another (several workers share the database). */
  worker(overrides?: {
    timing?: Partial<OutboxWorkerTiming>;
    pacing?: GroupPacing;
    /** Another Bot API root (a gate in front of the fake, a dead port). */
    apiRoot?: string;
    managerChatId?: number;
    logger?: Logger;
  }): OutboxWorker;
  /** A guest who has shared their phone, ready to send reviews. */
  guestWithPhone(user: LaunchUser, phone?: string): Promise<LaunchUser>;
  /** `POST /api/reviews` through the real app; returns the review id. */
  postReview(user: LaunchUser, body: { text: string; rating?: number }): Promise<string>;
  /** Waits until `count` reviews are delivered, failing with the jobs' state when the time is up. */
  waitUntilDelivered(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function createDeliveryKit(
  options: {
    managerChatId?: number | null;
    fake?: FakeBotApiOptions;
    timing?: Partial<OutboxWorkerTiming>;
    pacing?: GroupPacing;
  } = {},
): Promise<DeliveryKit> {
  const fake = await startFakeBotApi(options.fake);
  const chatId = options.managerChatId === undefined ? managersChatId : options.managerChatId;
  const context = await createTestContext({
    TELEGRAM_API_ROOT: fake.apiRoot,
    ...(chatId === null ? {} : { MANAGER_CHAT_ID: String(chatId) }),
  });
  const db = context.database.db;
  const api = new Api(testBotToken, { apiRoot: fake.apiRoot });
  const { logger, lines } = capturingLogger();
  const workers: OutboxWorker[] = [];

  return {
    fake,
    context,
    db,
    api,
    logs: lines,
    worker(overrides = {}) {
      const worker = createOutboxWorker({
        db,
        logger: overrides.logger ?? logger,
        handlers: reviewDeliveryHandlers({
          db,
          api: overrides.apiRoot ? new Api(testBotToken, { apiRoot: overrides.apiRoot }) : api,
          pacing: overrides.pacing ?? options.pacing ?? { messages: 1000, windowMs: 60_000 },
          managerChatId: overrides.managerChatId ?? chatId ?? undefined,
          settingsDefaults: context.config,
        }),
        timing: { ...fastTiming, ...options.timing, ...overrides.timing },
      });
      workers.push(worker);
      return worker;
    },
    async guestWithPhone(user, phone) {
      const number = phone ?? `+7999${String(user.id).padStart(7, "0").slice(-7)}`;
      await acceptVerifiedPhone(
        db,
        {
          id: user.id,
          firstName: user.firstName,
          lastName: user.lastName ?? null,
          username: user.username ?? null,
          languageCode: user.languageCode ?? null,
        },
        number,
      );
      return user;
    },
    async postReview(user, body) {
      const response = await context.request("/api/reviews", { as: user, json: body });
      return (await expectStatus<{ id: string }>(response, 202)).id;
    },
    async waitUntilDelivered(count, timeoutMs) {
      // Delivered: the handler's bookkeeping committed together with the job's "done".
      const delivered = () => db.$count(reviews, isNotNull(reviews.deliveredAt));
      try {
        await expect.poll(delivered, { timeout: timeoutMs, interval: 20 }).toBeGreaterThanOrEqual(count);
      } catch (error) {
        const jobs = await db.select().from(outboxJobs);
        throw new Error(
          `${await delivered()} of ${count} reviews delivered within ${timeoutMs} ms; jobs: ${JSON.stringify(
            jobs.map((job) => ({
              id: job.id,
              status: job.status,
              attempts: job.attempts,
              lastError: job.lastError,
            })),
          )}`,
          { cause: error },
        );
      }
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await context.close();
      await fake.close();
    },
  };
}
