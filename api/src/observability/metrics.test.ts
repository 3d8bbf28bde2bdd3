import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CardResponse, withDammCheckDigit } from "@guestcard/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  contactUpdate,
  deliver,
  startUpdate,
  telegramUser,
  webhookEnvironment,
} from "../../test/telegram-updates";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { createTestDatabase } from "../../test/test-database";
import { registerGuests } from "../card/card-test-fixtures";
import { ConfigError, parseConfig } from "../config";
import { cards } from "../db/schema";
import { createMetrics } from "./metrics";

const metricsToken = "metrics-token_0123456789abcdef";
const posSecret = "secret-of-the-bar";
const adminId = 4_242_001;

/** One sample of a Prometheus text exposition, by name and (a subset of) its labels; undefined if absent. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe("GET /metrics", () => {
  let context: TestContext;
  let telegram: FakeBotApi;

  beforeAll(async () => {
    telegram = await startFakeBotApi();
    context = await createTestContext(
      webhookEnvironment(telegram.apiRoot, {
        METRICS_TOKEN: metricsToken,
        POS_API_KEYS: `bar:${posSecret}`,
        ADMIN_TELEGRAM_IDS: String(adminId),
      }),
    );
    await context.bot?.init();
  });
  afterAll(async () => {
    await context.close();
    await telegram.close();
  });

  const scrape = async () => {
    const response = await context.app.request("/metrics", {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return text;
  };

  it("asks for the token: 401 without it, with a wrong one or another scheme; 200 text with it", async () => {
    for (const header of [
      undefined,
      "Bearer wrong-token-0123456789",
      `Basic ${metricsToken}`,
      metricsToken,
      "Bearer ",
    ]) {
      const response = await context.app.request(
        "/metrics",
        header ? { headers: { authorization: header } } : {},
      );
      expect(response.status, String(header)).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain("guestcard_");
    }
    const response = await context.app.request("/metrics", {
      headers: { authorization: `bearer ${metricsToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain("# TYPE guestcard_http_request_duration_seconds histogram");
    expect(text).toContain("# TYPE guestcard_cards_issued_total counter");
    expect(sample(text, "guestcard_database_up")).toBe(1);
    // Node's own figures come along (event loop lag is the one a slow evening shows first).
    expect(sample(text, "guestcard_nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });

  it("moves when a card is issued, identified and missed at a till, and a review is queued", async () => {
    const before = await scrape();
    const [ann] = await registerGuests(context.database.db, 1, { firstTelegramId: 61_001 });
    const card = await expectStatus<CardResponse>(
      await context.request("/api/card", { method: "POST", as: ann!.user }),
      201,
    );
    const till = { authorization: `Bearer ${posSecret}` };
    await expectStatus(
      await context.request("/api/pos/identify", { json: { code: card.pin }, headers: till }),
      200,
    );
    await expectStatus(
      await context.request("/api/pos/identify", {
        json: { code: withDammCheckDigit("99999") },
        headers: till,
      }),
      404,
    );
    await expectStatus(
      await context.request("/api/reviews", { as: ann!.user, json: { text: "Great pie" } }),
      202,
    );
    const after = await scrape();

    const moved = (name: string, labels: Record<string, string> = {}) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(moved("guestcard_cards_issued_total")).toBe(1);
    expect(moved("guestcard_cards_live")).toBe(1);
    expect(moved("guestcard_card_identifications_total", { outcome: "identified" })).toBe(1);
    expect(moved("guestcard_card_identifications_total", { outcome: "not_found" })).toBe(1);
    expect(moved("guestcard_reviews_received_total")).toBe(1);
    expect(moved("guestcard_reviews_waiting")).toBe(1);
    // Nothing delivers in this test: the review's job waits, and the lag says for how long.
    expect(moved("guestcard_outbox_jobs", { state: "pending" })).toBe(1);
    expect(sample(after, "guestcard_delivery_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(
      moved("guestcard_http_request_duration_seconds_count", {
        method: "POST",
        route: "/api/card",
        status: "201",
      }),
    ).toBe(1);
    expect(
      moved("guestcard_http_request_duration_seconds_count", {
        method: "POST",
        route: "/api/pos/identify",
        status: "404",
      }),
    ).toBe(1);
  });

  it("counts Telegram updates handled and re-deliveries skipped", async () => {
    const before = await scrape();
    const user = telegramUser(61_002);
    const start = startUpdate(user);
    await expectStatus(await deliver(context, start), 200);
    await expectStatus(await deliver(context, start), 200);
    await expectStatus(await deliver(context, contactUpdate(user, "+7 916 000-61-02")), 200);
    await expectStatus(await deliver(context, start), 200);
    const after = await scrape();
    const moved = (result: string) =>
      (sample(after, "guestcard_telegram_updates_total", { result }) ?? 0) -
      (sample(before, "guestcard_telegram_updates_total", { result }) ?? 0);
    expect(moved("handled")).toBe(2);
    expect(moved("duplicate")).toBe(2);
    expect(moved("failed")).toBe(0);
  });

  it("labels latency by the route's pattern, never the raw path", async () => {
    await scrape();
    const manager = guest(adminId);
    await context.request("/api/manager/sources/12345", {
      method: "PATCH",
      as: manager,
      json: { name: "Bar" },
    });
    await context.request("/api/no-such-thing/777");
    await context.request("/api/me");
    await context.app.request("/health");
    await context.app.request("/no-such-page");
    const text = await scrape();
    const routes = new Set(
      [...text.matchAll(/guestcard_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/g)].map(
        (m) => m[1],
      ),
    );
    for (const pattern of ["/api/manager/sources/:id", "/api/*", "/api/me", "/health", "/*", "/metrics"]) {
      expect(routes, [...routes].join(", ")).toContain(pattern);
    }
    for (const route of routes) expect(route).not.toMatch(/12345|777|no-such/);
  });

  it("gives every response a request id, or keeps the proxy's", async () => {
    const fresh = await context.app.request("/health");
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await context.app.request("/health", { headers: { "x-request-id": "nginx-4f2a9c" } });
    expect(kept.headers.get("x-request-id")).toBe("nginx-4f2a9c");
    const odd = await context.app.request("/health", { headers: { "x-request-id": "a b<c>" } });
    expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("metrics while the database is away", () => {
  it("still answer: database_up 0, the business figures kept at their last values", async () => {
    const database = await createTestDatabase();
    const [guestOne] = await registerGuests(database.db, 1, { firstTelegramId: 62_001 });
    await database.db.insert(cards).values({
      accountId: guestOne!.accountId,
      pin: withDammCheckDigit("12345"),
      code: withDammCheckDigit("1".repeat(17)),
      expiresAt: new Date(Date.now() + 300_000),
    });
    const metrics = createMetrics(database.db);
    const before = await metrics.render();
    expect(sample(before, "guestcard_database_up")).toBe(1);
    expect(sample(before, "guestcard_cards_issued_total")).toBe(1);

    await database.close();
    metrics.observeRequest("GET", "/health", 503, 0.004);
    const during = await metrics.render();
    expect(sample(during, "guestcard_database_up")).toBe(0);
    // Not 0: Prometheus would take a drop for a counter reset, and the return for a burst of cards.
    expect(sample(during, "guestcard_cards_issued_total")).toBe(1);
    expect(
      sample(during, "guestcard_http_request_duration_seconds_count", { route: "/health", status: "503" }),
    ).toBe(1);
  });
});

describe("GET /metrics without METRICS_TOKEN", () => {
  it("does not exist: 404, even where the Mini App answers every other path", async () => {
    const webRoot = mkdtempSync(join(tmpdir(), "guestcard-web-"));
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>Mini App</title>");
    const context = await createTestContext({}, { webRoot });
    try {
      expect((await context.app.request("/some/screen")).status).toBe(200);
      for (const authorization of [undefined, "Bearer ", "Bearer undefined"]) {
        const response = await context.app.request(
          "/metrics",
          authorization ? { headers: { authorization } } : {},
        );
        expect(response.status, String(authorization)).toBe(404);
        expect(await response.text()).not.toContain("guestcard_");
      }
    } finally {
      await context.close();
      rmSync(webRoot, { recursive: true, force: true });
    }
  });

  it("refuses a METRICS_TOKEN too short or with characters a header cannot carry", () => {
    for (const value of ["short", "has spaces in it 0123", 'quote"0123456789abcdef', "x".repeat(257)]) {
      expect(() => parseConfig({ METRICS_TOKEN: value }), value).toThrow(ConfigError);
      try {
        parseConfig({ METRICS_TOKEN: value });
      } catch (error) {
        expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^METRICS_TOKEN: /)]);
      }
    }
    expect(parseConfig({ METRICS_TOKEN: metricsToken }).metricsToken).toBe(metricsToken);
    expect(parseConfig({}).metricsToken).toBeUndefined();
  });
});
