import type { Api } from "grammy";
import { createApp } from "../src/app";
import { createBot, createBotApi, type GuestcardBot } from "../src/bot/create-bot";
import { type Config, parseConfig } from "../src/config";
import type { DatabaseConnection } from "../src/db/client";
import { type LaunchUser, signInitData } from "../src/demo/launch-url";
import type { OpenApiDocument } from "../src/http/openapi-document";
import { createLogger } from "../src/logger";
import type { ManagerAccess } from "../src/managers/manager-access";
import { createMetrics } from "../src/observability/metrics";
import { createReviewDelivery, type ReviewDelivery } from "../src/reviews/review-delivery";
import { type ContractChecker, createContractChecker } from "./openapi-contract";
import { createTestDatabase } from "./test-database";

/** A bot token of the right shape; tests never reach Telegram. */
export const testBotToken = "123456789:TEST-token-abcdefghijklmnopqrstuvwxyz012";

export interface TestContext {
  app: ReturnType<typeof createApp>;
  database: DatabaseConnection;
  config: Config;
  /** The real grammY bot, when BOT_MODE is polling or webhook (point TELEGRAM_API_ROOT at a fake Bot API). */
  bot: GuestcardBot | undefined;
  /** The Bot API client the app was given (talks to TELEGRAM_API_ROOT). */
  telegram: Api | undefined;
  /** The outbox worker main.ts runs (reviews, the guests' points messages), with `reviewDelivery: true`; not started. */
  reviewDelivery: ReviewDelivery | undefined;
  /** Signed initData for a user, as Telegram would pass it to the Mini App. */
  initData(user: LaunchUser, options?: { startParam?: string; authDate?: Date }): string;
  /**
   * A request to the real app, authenticated as `as` when given. Every answer to a documented route
   * is held to the published contract (openapi-contract.ts): a test fails on an answer whose status
   * or body `/api/openapi.json` does not describe.
   */
  request(
    path: string,
    init?: {
      method?: string;
      as?: LaunchUser;
      json?: unknown;
      headers?: Record<string, string>;
      body?: string | Uint8Array;
    },
  ): Promise<Response>;
  close(): Promise<void>;
}

export const guest = (id: number, firstName = "Guest", languageCode = "en"): LaunchUser => ({
  id,
  firstName,
  lastName: "Tester",
  username: `guest${id}`,
  languageCode,
});

export async function createTestContext(
  environment: Record<string, string> = {},
  options: {
    demo?: boolean;
    webRoot?: string;
    /** Replaces the app's manager check, e.g. one with a test clock to let its cache expire. */
    managerAccess?: ManagerAccess;
    /** Gives the app main.ts's outbox worker (TELEGRAM_API_ROOT: a fake Bot API); the test starts it. */
    reviewDelivery?: boolean;
    /** The clock download links expire by, for a test to move instead of waiting. */
    now?: () => Date;
  } = {},
): Promise<TestContext> {
  const config = parseConfig({
    BOT_TOKEN: testBotToken,
    BOT_MODE: "off",
    LOG_LEVEL: "silent",
    ...environment,
  });
  const database = await createTestDatabase();
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics(database.db);
  const bot = config.bot.kind === "off" ? undefined : createBot({ config, db: database.db, logger, metrics });
  const telegram = bot?.api ?? (config.botToken ? createBotApi(config) : undefined);
  const reviewDelivery = options.reviewDelivery
    ? createReviewDelivery({ config, db: database.db, logger })
    : undefined;
  const app = createApp({
    config,
    database,
    logger,
    initDataToken: testBotToken,
    demo: options.demo ?? false,
    webRoot: options.webRoot,
    managerAccess: options.managerAccess,
    telegram,
    bot,
    metrics,
    reviewDelivery,
    now: options.now,
  });
  const initData: TestContext["initData"] = (user, signOptions) =>
    signInitData(user, testBotToken, signOptions);
  let contract: ContractChecker | undefined;
  const contractChecker = async () => {
    contract ??= createContractChecker(
      (await (await app.request("/api/openapi.json")).json()) as OpenApiDocument,
    );
    return contract;
  };
  return {
    app,
    database,
    config,
    bot,
    telegram,
    reviewDelivery,
    initData,
    request: async (path, init = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      if (init.as) headers.authorization = `tma ${initData(init.as)}`;
      let body = init.body;
      if (init.json !== undefined) {
        headers["content-type"] ??= "application/json";
        body = JSON.stringify(init.json);
      }
      const method = init.method ?? (body === undefined ? "GET" : "POST");
      const response = await app.request(path, { method, headers, body });
      await (await contractChecker()).check(method, path, response);
      return response;
    },
    close: async () => {
      await reviewDelivery?.stop();
      await bot?.settled();
      await database.close();
    },
  };
}

/** Reads a JSON body and fails with the whole response when the status is not the expected one. */
export async function expectStatus<T = Record<string, unknown>>(
  response: Response,
  status: number,
): Promise<T> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`Expected HTTP ${status}, got ${response.status}: ${text}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
