import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

const token = "123456789:TEST-token-abcdefghijklmnopqrstuvwxyz012";

function problemsOf(environment: Record<string, string>): string[] {
  try {
    parseConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseConfig", () => {
  it("gives the documented defaults: demo mode on an embedded database", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: "0.0.0.0",
      database: { kind: "embedded", dataDir: "./.data" },
      botToken: undefined,
      bot: { kind: "off" },
      telegramApiRoot: "https://api.telegram.org",
      cardTtlSeconds: 300,
      initDataMaxAgeSeconds: 86400,
      logLevel: "info",
      posApiKeys: [],
    });
  });

  it("reads the restaurant's time zone (Europe/Moscow by default) and the broadcast rate, and refuses unknown zones", () => {
    expect(parseConfig({})).toMatchObject({ timeZone: "Europe/Moscow", broadcastMessagesPerSecond: 25 });
    expect(parseConfig({ TIMEZONE: "Asia/Vladivostok", BROADCAST_MESSAGES_PER_SECOND: "20" })).toMatchObject({
      timeZone: "Asia/Vladivostok",
      broadcastMessagesPerSecond: 20,
    });
    expect(problemsOf({ TIMEZONE: "Mars/Olympus_Mons" })).toEqual([
      "TIMEZONE: must be an IANA time zone name, e.g. Europe/Moscow",
    ]);
    expect(problemsOf({ BROADCAST_MESSAGES_PER_SECOND: "0" })).toEqual([
      "BROADCAST_MESSAGES_PER_SECOND: must be at least 1",
    ]);
  });

  it("picks polling with a token and webhook when PUBLIC_URL is set", () => {
    expect(parseConfig({ BOT_TOKEN: token }).bot).toEqual({ kind: "polling", token });
    expect(
      parseConfig({ BOT_TOKEN: token, PUBLIC_URL: "https://cafe.example/", WEBHOOK_SECRET: "s3cret" }).bot,
    ).toEqual({ kind: "webhook", token, publicUrl: "https://cafe.example", secret: "s3cret" });
  });

  it("reads lists: POS keys and admin ids", () => {
    const config = parseConfig({
      POS_API_KEYS: "till-1:abcdefgh12, bar:zzzzzzzz99",
      ADMIN_TELEGRAM_IDS: "1, 22,333",
    });
    expect(config.posApiKeys).toEqual([
      { name: "till-1", secret: "abcdefgh12" },
      { name: "bar", secret: "zzzzzzzz99" },
    ]);
    expect(config.adminTelegramIds).toEqual([1, 22, 333]);
  });

  it("turns the initData age check off for an empty value", () => {
    expect(parseConfig({ INIT_DATA_MAX_AGE_SECONDS: "" }).initDataMaxAgeSeconds).toBeUndefined();
  });

  it("reports one clear line per bad variable", () => {
    const problems = problemsOf({
      PORT: "eighty",
      BOT_TOKEN: "nope",
      CARD_TTL_SECONDS: "0",
      DATABASE_URL: "mysql://x",
      PUBLIC_URL: "http://insecure.example",
      LOG_LEVEL: "loud",
      INIT_DATA_MAX_AGE_SECONDS: "10",
      MANAGER_CHAT_ID: "managers",
    });
    expect(problems.map((line) => line.split(":")[0]).sort()).toEqual(
      [
        "BOT_TOKEN",
        "CARD_TTL_SECONDS",
        "DATABASE_URL",
        "INIT_DATA_MAX_AGE_SECONDS",
        "LOG_LEVEL",
        "MANAGER_CHAT_ID",
        "PORT",
        "PUBLIC_URL",
      ].sort(),
    );
  });

  it("requires PUBLIC_URL's partner WEBHOOK_SECRET in webhook mode", () => {
    expect(problemsOf({ BOT_TOKEN: token, BOT_MODE: "webhook" })).toEqual([
      "PUBLIC_URL: is required in webhook mode",
      "WEBHOOK_SECRET: is required in webhook mode",
    ]);
  });

  it("defaults the timeouts for a proxy in front and an outage behind, and keeps them in order", () => {
    const config = parseConfig({});
    expect(config.http).toEqual({
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 66_000,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.databaseTimeouts).toEqual({ connectTimeoutMs: 5000, statementTimeoutMs: 5000 });
    // A header timeout at or below the keep-alive timeout cuts idle connections short.
    expect(problemsOf({ HTTP_KEEP_ALIVE_TIMEOUT_MS: "70000", HTTP_HEADERS_TIMEOUT_MS: "70000" })).toEqual([
      "HTTP_HEADERS_TIMEOUT_MS: must be longer than HTTP_KEEP_ALIVE_TIMEOUT_MS",
    ]);
    expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: "-1", DATABASE_STATEMENT_TIMEOUT_MS: "soon" })).toHaveLength(2);
  });
});
