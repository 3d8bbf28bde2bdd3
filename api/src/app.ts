import type { Api } from "grammy";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { GuestcardBot } from "./bot/create-bot";
import { cardRoutes } from "./card/routes";
import type { Config } from "./config";
import type { DatabaseConnection } from "./db/client";
import { isDatabaseUnavailable } from "./db/database-failure";
import { demoApi, demoPages } from "./demo/routes";
import { fileDownloadRoutes } from "./downloads/routes";
import { ApiError, renderError } from "./errors";
import { meRoutes } from "./guests/routes";
import { apiReferenceRoutes } from "./http/api-reference";
import { createOpenApiDocument } from "./http/openapi-document";
import { createRouteGroups, openApiRoutes } from "./http/route-groups";
import { type Logger, safeError } from "./logger";
import { guestLoyaltyRoutes } from "./loyalty/routes";
import { createBotIdentity } from "./managers/bot-identity";
import { createManagerAccess, type ManagerAccess } from "./managers/manager-access";
import { managerRoutes } from "./managers/routes";
import { myDataDownloadRoutes } from "./my-data/download";
import { myDataRoutes } from "./my-data/routes";
import { createMetrics, type Metrics } from "./observability/metrics";
import { metricsRoutes } from "./observability/metrics-route";
import { requestLogging } from "./observability/request-logging";
import { demoTillName } from "./pos/demo-till";
import { posRoutes } from "./pos/routes";
import { registrationRoutes } from "./registration/routes";
import { demoManagersChat } from "./reviews/demo-managers-chat";
import { reviewRoutes } from "./reviews/routes";
import { telegramWebhookRoutes } from "./telegram/webhook";
import { serveWebApp } from "./web-app/serve-web-app";

export interface AppDeps {
  config: Config;
  database: DatabaseConnection;
  logger: Logger;
  /** What Mini App initData is signed with: BOT_TOKEN, or the demo token in demo mode. */
  initDataToken: string;
  /** Demo mode: no BOT_TOKEN, the /demo launcher is served. */
  demo: boolean;
  managerAccess?: ManagerAccess;
  /**
   * The Bot API client (auto-retry on 429 and 5xx) for whatever talks to Telegram outside the bot's
   * own handlers: the reviews worker, the managers' chat membership check. Present with BOT_TOKEN.
   */
  telegram?: Api;
  /** The grammY bot; in webhook mode `POST /telegram/webhook` feeds it. Absent with BOT_MODE=off. */
  bot?: GuestcardBot;
  /** The outbox worker that delivers reviews; `wake()` starts a delivery without waiting for its poll. */
  reviewDelivery?: { wake(): void };
  /** The broadcast sender (broadcasts/broadcast-sender.ts); `wake()` starts a new broadcast at once. */
  broadcastSender?: { wake(): void };
  /** The built Mini App (web/dist); omitted in API-only tests. */
  webRoot?: string;
  /** Prometheus metrics, shared with the bot (it counts updates); made here when not given. */
  metrics?: Metrics;
  /** The clock download links expire by: the system's, unless a test moves it. */
  now?: () => Date;
}

const systemClock = () => new Date();

/**
 * The JSON API, mounted at /api: every route in one of four groups, each mounted under paths of its
 * own behind its guard (http/route-groups.ts, docs/api.md). Its type is what the web's `hc<AppType>`
 * client is built from; its declarations are what `/api/openapi.json` is generated from.
 */
function apiRoutes(deps: AppDeps) {
  const db = deps.database.db;
  const managerAccess =
    deps.managerAccess ??
    createManagerAccess({
      db,
      adminTelegramIds: deps.config.adminTelegramIds,
      managerChatId: deps.config.managerChatId,
    });
  const groups = createRouteGroups({
    config: deps.config,
    initDataToken: deps.initDataToken,
    managerAccess,
    demo: deps.demo,
  });
  return openApiRoutes()
    .route(
      "/me",
      meRoutes(groups.guest, {
        db,
        managerAccess,
        demo: deps.demo,
        restaurantName: deps.config.restaurantName,
      }),
    )
    .route("/registration", registrationRoutes(groups.guest, { db }))
    .route("/my-data", myDataRoutes(groups.guest, { db, downloadSecret: deps.initDataToken }))
    .route("/card", cardRoutes(groups.guest, { db, config: deps.config }))
    .route("/reviews", reviewRoutes(groups.guest, { db, onReviewStored: () => deps.reviewDelivery?.wake() }))
    .route("/loyalty", guestLoyaltyRoutes(groups.guest, { db }))
    .route(
      "/pos",
      posRoutes(groups.pos, {
        db,
        config: deps.config,
        logger: deps.logger,
        // The guest's message about a bill rides the reviews' outbox worker (review-delivery.ts).
        onPointsChanged: () => deps.reviewDelivery?.wake(),
      }),
    )
    .route(
      "/manager",
      managerRoutes(groups.manager, {
        db,
        logger: deps.logger,
        managerAccess,
        botIdentity: createBotIdentity({ demo: deps.demo, telegram: deps.telegram, logger: deps.logger }),
        settingsDefaults: deps.config,
        broadcasts: {
          timeZone: deps.config.timeZone,
          miniAppUrl: deps.config.publicUrl ? `${deps.config.publicUrl}/` : undefined,
          onBroadcastCreated: () => deps.broadcastSender?.wake(),
        },
        deliverNow: (jobIds) => deps.bot?.replyDelivery.runJobsNow(jobIds) ?? Promise.resolve(),
        now: deps.now ?? systemClock,
      }),
    )
    .route("/demo", demoApi(groups.demo, { db }));
}

export type AppType = ReturnType<typeof apiRoutes>;

export function createApp(deps: AppDeps) {
  const app = new Hono();
  const metrics = deps.metrics ?? createMetrics(deps.database.db);

  // First of all: every request gets an id, and one log line and one latency sample once answered.
  app.use(requestId({ limitLength: 64 }), requestLogging(deps.logger, metrics));

  app.onError((error, c) => {
    if (error instanceof ApiError) return renderError(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      const code =
        error.status === 413 ? "payload_too_large" : error.status === 401 ? "unauthorized" : "bad_request";
      return renderError(c, new ApiError(code, error.message || "The request is not valid."));
    }
    if (isDatabaseUnavailable(error)) {
      // An outage, not a fault of this request: the same request can succeed once the database is back.
      deps.logger.warn({ err: safeError(error), method: c.req.method }, "database unavailable");
      return renderError(
        c,
        new ApiError("unavailable", "The service is briefly unavailable; please try again.", undefined, {
          "retry-after": "5",
        }),
      );
    }
    // No path (it may carry an id; the request's own line names the route pattern) and no query parameters.
    deps.logger.error({ err: safeError(error), method: c.req.method }, "unhandled error");
    return renderError(
      c,
      new ApiError("internal_error", "Something went wrong on our side; please try again."),
    );
  });

  app.route("/metrics", metricsRoutes({ metrics, token: deps.config.metricsToken }));

  app.get("/health", async (c) =>
    (await deps.database.ping()) ? c.json({ ok: true }, 200) : c.json({ ok: false }, 503),
  );

  const api = apiRoutes(deps);
  // Public: the contract is no secret, and a till's developer reads it before they have a key.
  app.route(
    "/api",
    apiReferenceRoutes(() => createOpenApiDocument(api.openAPIRegistry.definitions)),
  );
  app.route("/api", api);
  app.all("/api/*", () => {
    throw new ApiError("not_found", "There is no such API endpoint.");
  });
  // Files for Telegram's downloadFile, which fetches a short-lived link without initData: the export
  // of one's data (a signed link, made when fetched) and the files a manager's screen made (kept a
  // few minutes).
  app.route("/downloads", myDataDownloadRoutes({ db: deps.database.db, secret: deps.initDataToken }));
  app.route("/downloads", fileDownloadRoutes({ db: deps.database.db, now: deps.now ?? systemClock }));

  if (deps.bot && deps.config.bot.kind === "webhook") {
    app.route(
      "/telegram",
      telegramWebhookRoutes({ bot: deps.bot, secret: deps.config.bot.secret, logger: deps.logger }),
    );
  }

  if (deps.demo) {
    const demoTillKey = deps.config.posApiKeys.find((key) => key.name === demoTillName)?.secret;
    app.route("/demo", demoPages({ demoToken: deps.initDataToken, demoTillKey }));
  }
  if (deps.demo) app.route("/demo/managers-chat", demoManagersChat({ db: deps.database.db }));
  if (deps.webRoot) serveWebApp(app, deps.webRoot);
  return app;
}
