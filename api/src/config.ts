import { z } from "zod";

/**
 * The only reader of process.env. Every variable of README.md's Configuration table is validated here,
 * and a bad one stops the start with one clear line per variable.
 */

const botTokenPattern = /^\d+:[A-Za-z0-9_-]{30,}$/;

const optional = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? undefined : value;

const integerIn = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const environmentSchema = z.object({
  PORT: integerIn(0, 65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  BOT_TOKEN: z
    .string()
    .regex(botTokenPattern, "is not a bot token (<digits>:<30+ of A-Z a-z 0-9 _ ->)")
    .optional(),
  BOT_MODE: z.enum(["polling", "webhook", "off"], { error: "must be polling, webhook or off" }).optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https$/, error: "must be an https:// URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1–256 of A-Z a-z 0-9 _ -")
    .optional(),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://api.telegram.org"),
  MANAGER_CHAT_ID: z
    .string()
    .regex(/^-?\d+$/, "must be a numeric chat id")
    .transform(Number)
    .optional(),
  ADMIN_TELEGRAM_IDS: z
    .string()
    .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, "must be comma-separated numeric user ids")
    .transform((list) => list.split(",").map((id) => Number(id.trim())))
    .optional(),
  CARD_TTL_SECONDS: integerIn(1, 86400).default(300),
  // Defaults for two manager settings (the database value wins once a manager saves one).
  MINI_APP_SHORT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_]{3,30}$/, "must be 3–30 of A-Z a-z 0-9 _ (the Mini App's short name in BotFather)")
    .default("app"),
  RESTAURANT_NAME: z.string().trim().min(1).max(100, "must be at most 100 characters").default("Guestcard"),
  POS_API_KEYS: z
    .string()
    .regex(
      /^\s*[^:,\s]+:[^,\s]{8,}\s*(,\s*[^:,\s]+:[^,\s]{8,}\s*)*$/,
      "must be comma-separated name:secret pairs (secrets of 8+ characters)",
    )
    .transform((list) =>
      list.split(",").map((pair) => {
        const [name, ...secret] = pair.trim().split(":");
        return { name: name as string, secret: secret.join(":") };
      }),
    )
    .optional(),
  // Defaults of the loyalty programme's manager settings (the database value wins once saved).
  LOYALTY_EARN_PERCENT: integerIn(0, 100).default(5),
  LOYALTY_MAX_REDEEM_PERCENT: integerIn(0, 100).default(30),
  LOYALTY_WELCOME_POINTS: integerIn(0, 1_000_000).default(0),
  IDENTIFICATION_TTL_SECONDS: integerIn(1, 604_800).default(43_200),
  // The restaurant's day for birthday points and lapses: its offset from UTC in minutes (Moscow: 180).
  LOYALTY_DAY_UTC_OFFSET_MINUTES: integerIn(-720, 840).default(0),
  INIT_DATA_MAX_AGE_SECONDS: z.union([integerIn(60, 604800), z.literal("none")]).default(86400),
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error", "silent"], {
      error: "must be debug, info, warn, error or silent",
    })
    .default("info"),
  // Unset: JSON lines in production or when stdout is not a terminal, else pino-pretty's coloured lines.
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "must be json or pretty" }).optional(),
  NODE_ENV: z.string().optional(),
  // Guards /metrics (`Authorization: Bearer <token>`); unset, /metrics answers 404.
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, "must be 16–256 of A-Z a-z 0-9 . _ ~ + / = -")
    .optional(),
  // Review delivery tuning. The defaults suit production; tests shorten them to run in seconds.
  DELIVERY_POLL_INTERVAL_MS: integerIn(10, 60_000).default(1000),
  DELIVERY_LEASE_MS: integerIn(500, 3_600_000).default(60_000),
  DELIVERY_BACKOFF_BASE_MS: integerIn(10, 600_000).default(1000),
  DELIVERY_GROUP_MESSAGES: integerIn(1, 1000).default(20),
  DELIVERY_GROUP_WINDOW_MS: integerIn(100, 3_600_000).default(60_000),
  // PostgreSQL (DATABASE_URL): a connection or a statement that takes longer fails, and the API
  // answers 503 instead of hanging while the database is down or frozen.
  DATABASE_CONNECT_TIMEOUT_MS: integerIn(100, 600_000).default(5000),
  DATABASE_STATEMENT_TIMEOUT_MS: integerIn(100, 3_600_000).default(5000),
  // Longer than a reverse proxy keeps an idle upstream connection (nginx: 60 s), so the proxy, not
  // we, closes it: otherwise it may reuse a connection we are closing, and a request is reset.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integerIn(1000, 3_600_000).default(65_000),
  HTTP_HEADERS_TIMEOUT_MS: integerIn(1000, 3_600_000).default(66_000),
  // On SIGTERM: how long requests (and the delivery) in flight may take before the rest is cut off.
  SHUTDOWN_TIMEOUT_MS: integerIn(0, 600_000).default(10_000),
});

export type BotMode =
  | { kind: "off" }
  | { kind: "polling"; token: string }
  | { kind: "webhook"; token: string; publicUrl: string; secret: string };

export type DatabaseSetting = { kind: "embedded"; dataDir: string } | { kind: "url"; url: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseSetting;
  /** The real bot token; undefined in demo mode. */
  botToken: string | undefined;
  bot: BotMode;
  publicUrl: string | undefined;
  telegramApiRoot: string;
  managerChatId: number | undefined;
  adminTelegramIds: number[];
  cardTtlSeconds: number;
  /** Default of the manager setting: the `<app>` in `https://t.me/<bot>/<app>?startapp=<code>`. */
  miniAppShortName: string;
  /** Default of the manager setting: the restaurant's name in the bot's texts. */
  restaurantName: string;
  posApiKeys: { name: string; secret: string }[];
  /** Defaults of the loyalty programme until a manager saves their own (api/src/settings/settings.ts). */
  loyalty: { earnPercent: number; maxRedeemPercent: number; welcomePoints: number };
  /** How long a till may close a bill against an identification after the card was read. */
  identificationTtlSeconds: number;
  /** Where the restaurant's day starts, for the programme's daily step (api/src/loyalty/daily-step.ts). */
  loyaltyDayUtcOffsetMinutes: number;
  /** undefined: the age check is off. */
  initDataMaxAgeSeconds: number | undefined;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** JSON lines for a log collector, or pino-pretty's lines for a developer's terminal. */
  logFormat: "json" | "pretty";
  /** The bearer token /metrics asks for; undefined: /metrics answers 404. */
  metricsToken: string | undefined;
  /** How the outbox delivers reviews: polling, lease, backoff, and pacing per group chat. */
  delivery: {
    pollIntervalMs: number;
    leaseMs: number;
    backoffBaseMs: number;
    groupPacing: { messages: number; windowMs: number };
  };
  /** PostgreSQL only: how long a connection and a statement may take. */
  databaseTimeouts: { connectTimeoutMs: number; statementTimeoutMs: number };
  http: {
    keepAliveTimeoutMs: number;
    /** Must be longer than keepAliveTimeoutMs (Node's own advice). */
    headersTimeoutMs: number;
    /** How long a graceful stop waits for requests in flight. */
    shutdownTimeoutMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join("\n")}`);
  }
}

/**
 * Parses an environment (process.env in production, a plain object in tests) into a typed Config.
 * `stdoutIsTty` is the one fact that is not in the environment: it picks the default log format.
 */
export function parseConfig(
  environment: Record<string, string | undefined>,
  runtime: { stdoutIsTty?: boolean } = {},
): Config {
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape).map((name) => [name, optional(environment[name])]),
  );
  if (
    environment.INIT_DATA_MAX_AGE_SECONDS !== undefined &&
    optional(environment.INIT_DATA_MAX_AGE_SECONDS) === undefined
  ) {
    // An empty value is how an operator says "no age check" (README.md, Configuration).
    present.INIT_DATA_MAX_AGE_SECONDS = "none";
  }
  const parsed = environmentSchema.safeParse(present);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
  if (!parsed.success) throw new ConfigError(problems);
  const env = parsed.data;

  const mode = env.BOT_MODE ?? (env.PUBLIC_URL ? "webhook" : "polling");
  let bot: BotMode = { kind: "off" };
  if (env.BOT_TOKEN && mode === "polling") bot = { kind: "polling", token: env.BOT_TOKEN };
  if (env.BOT_TOKEN && mode === "webhook") {
    if (!env.PUBLIC_URL) problems.push("PUBLIC_URL: is required in webhook mode");
    if (!env.WEBHOOK_SECRET) problems.push("WEBHOOK_SECRET: is required in webhook mode");
    if (env.PUBLIC_URL && env.WEBHOOK_SECRET) {
      bot = { kind: "webhook", token: env.BOT_TOKEN, publicUrl: env.PUBLIC_URL, secret: env.WEBHOOK_SECRET };
    }
  }
  if (env.HTTP_HEADERS_TIMEOUT_MS <= env.HTTP_KEEP_ALIVE_TIMEOUT_MS) {
    problems.push("HTTP_HEADERS_TIMEOUT_MS: must be longer than HTTP_KEEP_ALIVE_TIMEOUT_MS");
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    database: env.DATABASE_URL
      ? { kind: "url", url: env.DATABASE_URL }
      : { kind: "embedded", dataDir: env.DATA_DIR },
    botToken: env.BOT_TOKEN,
    bot,
    publicUrl: env.PUBLIC_URL,
    telegramApiRoot: env.TELEGRAM_API_ROOT,
    managerChatId: env.MANAGER_CHAT_ID,
    adminTelegramIds: env.ADMIN_TELEGRAM_IDS ?? [],
    cardTtlSeconds: env.CARD_TTL_SECONDS,
    miniAppShortName: env.MINI_APP_SHORT_NAME,
    restaurantName: env.RESTAURANT_NAME,
    posApiKeys: env.POS_API_KEYS ?? [],
    loyalty: {
      earnPercent: env.LOYALTY_EARN_PERCENT,
      maxRedeemPercent: env.LOYALTY_MAX_REDEEM_PERCENT,
      welcomePoints: env.LOYALTY_WELCOME_POINTS,
    },
    identificationTtlSeconds: env.IDENTIFICATION_TTL_SECONDS,
    loyaltyDayUtcOffsetMinutes: env.LOYALTY_DAY_UTC_OFFSET_MINUTES,
    initDataMaxAgeSeconds:
      env.INIT_DATA_MAX_AGE_SECONDS === "none" ? undefined : env.INIT_DATA_MAX_AGE_SECONDS,
    logLevel: env.LOG_LEVEL,
    logFormat:
      env.LOG_FORMAT ?? (runtime.stdoutIsTty === true && env.NODE_ENV !== "production" ? "pretty" : "json"),
    metricsToken: env.METRICS_TOKEN,
    delivery: {
      pollIntervalMs: env.DELIVERY_POLL_INTERVAL_MS,
      leaseMs: env.DELIVERY_LEASE_MS,
      backoffBaseMs: env.DELIVERY_BACKOFF_BASE_MS,
      groupPacing: { messages: env.DELIVERY_GROUP_MESSAGES, windowMs: env.DELIVERY_GROUP_WINDOW_MS },
    },
    databaseTimeouts: {
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    http: {
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
  };
}

export function loadConfig(): Config {
  return parseConfig(process.env, { stdoutIsTty: process.stdout.isTTY === true });
}
