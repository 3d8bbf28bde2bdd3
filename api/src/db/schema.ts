import { broadcastStatuses, pointMovementKinds } from "@guestcard/shared";
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const telegramId = (name: string) => bigint(name, { mode: "number" });

/** A loyalty account. The phone (E.164) is its identifier, as in the restaurant's guest base. */
export const accounts = pgTable("accounts", {
  id: uuid("id").primaryKey().defaultRandom(),
  phone: text("phone").notNull().unique(),
  lastName: text("last_name").notNull(),
  firstName: text("first_name").notNull(),
  middleName: text("middle_name"),
  gender: text("gender", { enum: ["male", "female"] }),
  birthday: date("birthday", { mode: "string" }),
  email: text("email"),
  /** How the account came to be: the guest registered, or the restaurant imported its guest base. */
  origin: text("origin", { enum: ["registration", "import"] }).notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** An acquisition source: a named link (`/start <code>` or `startapp=<code>`). */
export const sources = pgTable("sources", {
  id: serial("id").primaryKey(),
  code: text("code").notNull().unique(),
  name: text("name").notNull(),
  archivedAt: timestamp("archived_at", { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * A Telegram user who has talked to the bot or opened the Mini App.
 * `phone` is verified: it only ever comes from the user's own contact shared with the bot.
 * `accountId` is the link to a loyalty account; unique, so one account has at most one Telegram user.
 */
export const telegramUsers = pgTable("telegram_users", {
  id: telegramId("id").primaryKey(),
  firstName: text("first_name").notNull(),
  lastName: text("last_name"),
  username: text("username"),
  languageCode: text("language_code"),
  phone: text("phone"),
  phoneVerifiedAt: timestamp("phone_verified_at", { withTimezone: true }),
  accountId: uuid("account_id")
    .unique()
    .references(() => accounts.id, { onDelete: "set null" }),
  /** First touch wins: the source through which this user first arrived. */
  sourceId: integer("source_id").references(() => sources.id),
  /**
   * When we first knew the user has a private chat with the bot (they sent /start, a contact or
   * any message there): only then can the bot write to them first (broadcasts, greetings).
   */
  privateChatAt: timestamp("private_chat_at", { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Consent history, append-only: each grant or withdrawal with its time and the text version shown. */
export const consents = pgTable(
  "consents",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["personal_data", "marketing"] }).notNull(),
    granted: boolean("granted").notNull(),
    textVersion: text("text_version").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("consents_account_idx").on(table.accountId, table.kind, table.recordedAt)],
);

/**
 * A virtual card: a PIN and a QR code, both digits, valid until `expiresAt` unless revoked earlier.
 * "No two live cards share a PIN or a code" is enforced by the partial unique indexes below:
 * a card holds its PIN and code until it is revoked (a newer card, or a collision with an expired one).
 */
export const cards = pgTable(
  "cards",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    pin: text("pin").notNull(),
    code: text("code").notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("cards_live_pin_idx").on(table.pin).where(sql`${table.revokedAt} is null`),
    uniqueIndex("cards_live_code_idx").on(table.code).where(sql`${table.revokedAt} is null`),
    uniqueIndex("cards_live_account_idx").on(table.accountId).where(sql`${table.revokedAt} is null`),
  ],
);

/**
 * Every identification attempt at a till, successful or not; misses drive the per-terminal rate limit.
 * A successful one is the identification a till closes bills against: `publicId` is what the till
 * was told (random, so no till can guess another guest's identification by counting), valid until
 * `validUntil` (IDENTIFICATION_TTL_SECONDS after the read), whatever happens to the card meanwhile.
 */
export const cardIdentifications = pgTable(
  "card_identifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    terminal: text("terminal").notNull(),
    outcome: text("outcome", { enum: ["identified", "not_found", "invalid_code", "rate_limited"] }).notNull(),
    cardId: uuid("card_id").references(() => cards.id, { onDelete: "set null" }),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "set null" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    publicId: uuid("public_id"),
    validUntil: timestamp("valid_until", { withTimezone: true }),
  },
  (table) => [
    index("card_identifications_terminal_idx").on(table.terminal, table.at),
    // The rate limit reads only a terminal's recent misses; a busy till's successes must not slow it.
    index("card_identifications_misses_idx")
      .on(table.terminal, table.at)
      .where(sql`${table.outcome} in ('not_found', 'invalid_code')`),
    uniqueIndex("card_identifications_public_id_idx")
      .on(table.publicId)
      .where(sql`${table.publicId} is not null`),
    // A broadcast's "not visited for N days" segment asks, per guest, for their latest visit.
    index("card_identifications_account_idx")
      .on(table.accountId, table.at)
      .where(sql`${table.outcome} = 'identified'`),
  ],
);

/** A guest's review. Delivery to the managers' chat goes through the outbox. */
export const reviews = pgTable(
  "reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    telegramUserId: telegramId("telegram_user_id")
      .notNull()
      .references(() => telegramUsers.id, { onDelete: "cascade" }),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "set null" }),
    rating: integer("rating"),
    text: text("text").notNull(),
    createdAt: createdAt(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    /** The managers' chat and message ids the review landed as (a long review spans several). */
    managerChatId: telegramId("manager_chat_id"),
    managerMessageIds: jsonb("manager_message_ids").$type<number[]>(),
  },
  (table) => [
    index("reviews_guest_idx").on(table.telegramUserId, table.createdAt),
    check("reviews_rating_range", sql`${table.rating} between 1 and 5`),
  ],
);

/**
 * Transactional outbox: work that must reach Telegram is written in the same transaction as the
 * change that causes it, then delivered by a worker that claims jobs with FOR UPDATE SKIP LOCKED.
 */
export const outboxJobs = pgTable(
  "outbox_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "done", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    /**
     * Set on every claim: a worker's later writes carry it, so one whose lease ran out (and whose job
     * another worker took over) cannot overwrite the newer claim's progress or mark the job done.
     */
    leaseToken: uuid("lease_token"),
    lastError: text("last_error"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    doneAt: timestamp("done_at", { withTimezone: true }),
  },
  (table) => [index("outbox_jobs_due_idx").on(table.runAt).where(sql`${table.status} = 'pending'`)],
);

/**
 * Every Telegram message that belongs to a review's conversation, by the chat and id Telegram gave
 * it: the review in the managers' chat (one row per part of a long review), a manager's reply as
 * the guest received it privately, the guest's answer as the managers received it. A Telegram
 * "reply" to any of these is routed back along the conversation.
 */
export const reviewMessages = pgTable(
  "review_messages",
  {
    chatId: telegramId("chat_id").notNull(),
    messageId: integer("message_id").notNull(),
    reviewId: uuid("review_id")
      .notNull()
      .references(() => reviews.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["review", "manager_reply", "guest_answer"] }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.chatId, table.messageId] }),
    index("review_messages_review_idx").on(table.reviewId),
  ],
);

/**
 * The conversation after a review: a manager's reply (to be sent to the guest) or the guest's
 * answer (to be sent to the managers). The Telegram message it came from is unique, so a re-sent
 * update cannot make a second copy.
 */
export const reviewReplies = pgTable(
  "review_replies",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    reviewId: uuid("review_id")
      .notNull()
      .references(() => reviews.id, { onDelete: "cascade" }),
    author: text("author", { enum: ["manager", "guest"] }).notNull(),
    authorTelegramId: telegramId("author_telegram_id").notNull(),
    text: text("text").notNull(),
    sourceChatId: telegramId("source_chat_id").notNull(),
    sourceMessageId: integer("source_message_id").notNull(),
    createdAt: createdAt(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    /**
     * When the guest marked a manager's reply read on the Mini App's home (reviews/review-answers.ts);
     * null while unread. The guest's own answers never have it.
     */
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("review_replies_source_idx").on(table.sourceChatId, table.sourceMessageId),
    index("review_replies_review_idx").on(table.reviewId, table.createdAt),
  ],
);

/**
 * Messages recently sent (or being sent) to a group chat, for pacing under Telegram's limit of
 * about 20 messages a minute per group. Kept in the database so that every server process counts
 * the same sends; rows older than the pacing window are deleted as new ones are reserved.
 */
export const telegramSendSlots = pgTable(
  "telegram_send_slots",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    chatId: telegramId("chat_id").notNull(),
    /** When the message was reserved, moved to when Telegram answered: never earlier than its arrival there. */
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (table) => [index("telegram_send_slots_chat_idx").on(table.chatId, table.at)],
);

/** Telegram re-sends an update for up to 60 s and across our restarts: each update_id takes effect once. */
export const processedUpdates = pgTable("processed_updates", {
  updateId: bigint("update_id", { mode: "number" }).primaryKey(),
  processedAt: timestamp("processed_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The conversion funnel: each step counted once per Telegram user, for the user's first-touch source. */
export const sourceEvents = pgTable(
  "source_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => sources.id),
    telegramUserId: telegramId("telegram_user_id").notNull(),
    kind: text("kind", { enum: ["started", "phone_shared", "registered", "first_visit"] }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("source_events_once_idx").on(table.telegramUserId, table.kind),
    index("source_events_funnel_idx").on(table.at, table.sourceId, table.kind),
  ],
);

/** Manager-editable settings; the environment gives the defaults. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------------------------------------
// Points (docs/decisions/015-points-ledger.md). Money is bigint minor units, points are bigint whole
// points, both read as JS numbers: every value stays far below 2^53 (purchaseTotalMax in shared/).

/**
 * A guest's balance, kept equal to the sum of their movements: every movement is written with the
 * update of this row, in one transaction, under this row's lock. Purchases lock it first, so two
 * bills against one balance are decided one after the other and never spend the same points.
 * `lastVisitAt`: the last bill, or when the balance began; points lapse counting from it.
 * `updatedAt`: the time of the guest's latest movement (movement times never go back, see migration 0006).
 */
export const loyaltyBalances = pgTable(
  "loyalty_balances",
  {
    accountId: uuid("account_id")
      .primaryKey()
      .references(() => accounts.id, { onDelete: "cascade" }),
    balance: bigint("balance", { mode: "number" }).notNull().default(0),
    /**
     * Money paid per calendar month (UTC), for the tier: month numbers (months since January 2000) and
     * the amounts paid on bills of that month not refunded, kept for the last 13 months only. A tier
     * is then read from this row alone, never from the bills (docs/decisions/015-points-ledger.md).
     */
    spentMonths: integer("spent_months").array().notNull().default(sql`'{}'`),
    spentAmounts: bigint("spent_amounts", { mode: "number" }).array().notNull().default(sql`'{}'`),
    lastVisitAt: timestamp("last_visit_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // No index but the key: every bill updates this row, and an index on a column it changes
  // (last_visit_at) would cost an index entry per bill. The daily lapse step walks the key instead.
);

/**
 * A bill closed at a till against an identification. `earnPercent` and `maxRedeemPercent` are the
 * programme's as they were for this bill: a later change never alters it, and a refund undoes
 * exactly what it did. The guest's account is set null if they delete their data: the bill stays
 * the restaurant's record.
 */
export const loyaltyPurchases = pgTable(
  "loyalty_purchases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "set null" }),
    // No foreign key here, on movements' `purchaseId` or on the keys' `purchaseId`: each is written in
    // the same database call that read or wrote the row it names, and those rows are never deleted;
    // a key check would cost a locked lookup on every bill (docs/decisions/015-points-ledger.md).
    identificationId: bigint("identification_id", { mode: "number" }).notNull(),
    terminal: text("terminal").notNull(),
    checkId: text("check_id").notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    redeemed: bigint("redeemed", { mode: "number" }).notNull(),
    paid: bigint("paid", { mode: "number" }).notNull(),
    earned: bigint("earned", { mode: "number" }).notNull(),
    tierName: text("tier_name").notNull(),
    earnPercent: integer("earn_percent").notNull(),
    maxRedeemPercent: integer("max_redeem_percent").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    refundedAt: timestamp("refunded_at", { withTimezone: true }),
    refundTerminal: text("refund_terminal"),
  },
  (table) => [
    index("loyalty_purchases_account_idx").on(table.accountId, table.at),
    index("loyalty_purchases_terminal_idx").on(table.terminal, table.at),
    // Bills are appended in time order: a BRIN index serves the managers' figures by period at almost
    // no cost per insert. Likewise for movements.
    index("loyalty_purchases_at_idx").using("brin", table.at),
    check("loyalty_purchases_total", sql`${table.total} > 0`),
    check("loyalty_purchases_redeemed", sql`${table.redeemed} >= 0`),
    check(
      "loyalty_purchases_paid",
      sql`${table.paid} = ${table.total} - ${table.redeemed} * 100 and ${table.paid} >= 0`,
    ),
    check("loyalty_purchases_earned", sql`${table.earned} >= 0`),
    check(
      "loyalty_purchases_percents",
      sql`${table.earnPercent} between 0 and 100 and ${table.maxRedeemPercent} between 0 and 100`,
    ),
  ],
);

/**
 * The ledger: every change of a guest's points is a row, never updated or deleted. `points` is
 * signed; `balanceAfter` is the balance right after it (the history's running balance). Its cause:
 * a bill (`purchaseId` and `terminal`: earn, redeem, refund), a manager (`managerTelegramId` and
 * `reason`: adjust), or the programme (welcome, birthday, expire). `occasion` makes a credit
 * once-only: "welcome" once per account, a birthday once per account and year — a unique index
 * decides, so a step that runs twice (or in two processes at once) credits once.
 * Times are whole milliseconds, so a page boundary given back as an ISO string is exact.
 */
export const loyaltyMovements = pgTable(
  "loyalty_movements",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "set null" }),
    kind: text("kind", { enum: pointMovementKinds }).notNull(),
    points: bigint("points", { mode: "number" }).notNull(),
    balanceAfter: bigint("balance_after", { mode: "number" }).notNull(),
    purchaseId: uuid("purchase_id"),
    terminal: text("terminal"),
    managerTelegramId: telegramId("manager_telegram_id"),
    reason: text("reason"),
    occasion: text("occasion"),
    at: timestamp("at", { withTimezone: true }).notNull().default(sql`date_trunc('milliseconds', now())`),
  },
  (table) => [
    index("loyalty_movements_history_idx").on(table.accountId, table.at, table.id),
    uniqueIndex("loyalty_movements_once_idx")
      .on(table.accountId, table.kind, table.occasion)
      .where(sql`${table.occasion} is not null`),
    index("loyalty_movements_at_idx").using("brin", table.at),
    // A refund of a bill that earned as much as it redeemed changes nothing, but is still a row.
    check("loyalty_movements_points", sql`${table.points} <> 0 or ${table.kind} = 'refund'`),
    check(
      "loyalty_movements_cause",
      sql`(${table.kind} in ('earn', 'redeem', 'refund')) = (${table.purchaseId} is not null and ${table.terminal} is not null)
        and (${table.kind} <> 'adjust' or (${table.managerTelegramId} is not null and ${table.reason} is not null))`,
    ),
  ],
);

/**
 * `Idempotency-Key`s of till requests, per terminal: the key is inserted first, in the transaction
 * that does the work, so a concurrent request with the same key waits on the unique index until the
 * first commits and then finds its answer. `fingerprint` is a digest of the request as validated;
 * `status` and `body` the exact answer given (set before the transaction commits, so no other
 * session ever sees them empty), replayed byte for byte.
 */
export const posIdempotencyKeys = pgTable(
  "pos_idempotency_keys",
  {
    terminal: text("terminal").notNull(),
    key: text("key").notNull(),
    operation: text("operation", { enum: ["purchase", "refund"] }).notNull(),
    fingerprint: text("fingerprint").notNull(),
    status: integer("status"),
    body: text("body"),
    purchaseId: uuid("purchase_id"),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.terminal, table.key] })],
);

/**
 * The programme's daily step (birthday points, lapses; api/src/loyalty/daily-step.ts), one row per
 * restaurant day: the primary key decides which process runs a day's step, once across processes and
 * restarts. `finishedAt` is null while it runs; a claim left unfinished (its process died) may be
 * taken over after a while — the step itself credits and lapses nothing twice
 * (docs/decisions/016-points-routes.md).
 */
export const loyaltyDailySteps = pgTable("loyalty_daily_steps", {
  day: date("day", { mode: "string" }).primaryKey(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  birthdays: integer("birthdays"),
  lapsed: integer("lapsed"),
});
// ---------------------------------------------------------------------------------------------
// Broadcasts (docs/decisions/024-broadcasts.md): a manager's message to the guests who agreed to
// offers and news, its recipient list frozen at creation, sent under Telegram's limits.

/**
 * A broadcast. The counters are kept with each recipient's outcome, in the same statement, so the
 * manager's progress view reads one row. `pausedUntil`: Telegram answered 429 with `retry_after`,
 * and the whole broadcast waits until then, in every process.
 */
export const broadcasts = pgTable(
  "broadcasts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    text: text("text").notNull(),
    openAppButton: boolean("open_app_button").notNull().default(false),
    segment: jsonb("segment").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: broadcastStatuses }).notNull().default("queued"),
    recipients: integer("recipients").notNull().default(0),
    sent: integer("sent").notNull().default(0),
    blocked: integer("blocked").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    /** Withdrew consent or deleted their data after the list was frozen: not sent. */
    skipped: integer("skipped").notNull().default(0),
    cancelled: boolean("cancelled").notNull().default(false),
    createdBy: telegramId("created_by").notNull(),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    pausedUntil: timestamp("paused_until", { withTimezone: true }),
  },
  (table) => [
    index("broadcasts_created_idx").on(table.createdAt),
    index("broadcasts_active_idx").on(table.createdAt).where(sql`${table.status} <> 'done'`),
  ],
);

export const broadcastRecipientStatuses = ["pending", "sent", "blocked", "failed", "skipped"] as const;

/**
 * One guest of a broadcast: the recipient list, frozen when the broadcast was created, and the queue
 * its senders claim from (FOR UPDATE SKIP LOCKED and a lease, like the outbox's jobs).
 */
export const broadcastRecipients = pgTable(
  "broadcast_recipients",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    broadcastId: uuid("broadcast_id")
      .notNull()
      .references(() => broadcasts.id, { onDelete: "cascade" }),
    // No foreign key: a guest who deletes their data is found gone when their turn comes (the
    // sender checks the link and the consent then), and deleting an account never scans this table.
    accountId: uuid("account_id").notNull(),
    chatId: telegramId("chat_id").notNull(),
    languageCode: text("language_code"),
    status: text("status", { enum: broadcastRecipientStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    leaseToken: uuid("lease_token"),
    messageId: integer("message_id"),
    lastError: text("last_error"),
    doneAt: timestamp("done_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("broadcast_recipients_chat_idx").on(table.broadcastId, table.chatId),
    index("broadcast_recipients_due_idx")
      .on(table.broadcastId, table.runAt)
      .where(sql`${table.status} = 'pending'`),
  ],
);

/**
 * Sends shared by every server process, for pacing under Telegram's overall limit per bot: a token
 * bucket per key, refilled by the time since it was last taken from (decision 024).
 */
export const telegramRateBuckets = pgTable("telegram_rate_buckets", {
  key: text("key").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  at: timestamp("at", { withTimezone: true }).notNull(),
});

/** One birthday greeting per guest and year: the key decides, across processes and restarts. */
export const birthdayGreetings = pgTable(
  "birthday_greetings",
  {
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    year: integer("year").notNull(),
    greetedAt: timestamp("greeted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.accountId, table.year] })],
);

/**
 * Who is in the managers' chat (MANAGER_CHAT_ID), as the bot last learned it: from `chat_member`,
 * `my_chat_member` and the chat's service messages, and from getChatAdministrators / getChatMember at
 * start and now and then (managers/manager-chat-members.ts). `/api/me` and the manager API read it
 * instead of asking Telegram on a guest's open. `asOf` is when Telegram said so: an older answer never
 * overwrites a newer one.
 */
export const managerChatMembers = pgTable(
  "manager_chat_members",
  {
    chatId: telegramId("chat_id").notNull(),
    userId: telegramId("user_id").notNull(),
    /** Telegram's status: creator, administrator, member, restricted, left or kicked. */
    status: text("status").notNull(),
    /** Whether that status makes them a member now (a restricted user may or may not be one). */
    isMember: boolean("is_member").notNull(),
    asOf: timestamp("as_of", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.chatId, table.userId] })],
);
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * One guest-base import (docs/decisions/018-resumable-guest-imports.md). The file is kept until the
 * run is done; each batch of accounts commits together with `records_done`, so a run cut off by a
 * crash is taken up again (by this process after its restart, or another) from its last batch, and
 * the base ends up whole. A worker holds the run by `lease_token` until `lease_until`.
 */
export const guestImportRuns = pgTable(
  "guest_import_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    status: text("status", { enum: ["running", "done"] })
      .notNull()
      .default("running"),
    /** The uploaded bytes (gzip), read again to resume; emptied when the run is done (personal data). */
    file: bytea("file"),
    fileSha256: text("file_sha256").notNull(),
    /** Good records, each phone once: what the run writes, in file order. */
    accountsTotal: integer("accounts_total").notNull(),
    /** How many of them the committed batches covered. */
    accountsDone: integer("accounts_done").notNull().default(0),
    created: integer("created").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    /** The first 1,000 bad lines, as the answer lists them. */
    errors: jsonb("errors").$type<unknown[]>().notNull(),
    startedBy: telegramId("started_by"),
    leaseToken: uuid("lease_token"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    startedAt: createdAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    index("guest_import_runs_running_idx").on(table.leaseUntil).where(sql`${table.status} = 'running'`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Guest records and phone conflicts (docs/decisions/019-deleting-ones-data.md for what deletion keeps).

/**
 * A phone conflict: `claimantTelegramUserId` shared a verified phone whose account
 * `holderTelegramUserId` already held. The bot records it; a manager decides it: `resolved` moves the
 * account to the claimant, `dismissed` leaves everything as it was. One open conflict per account and
 * claimant: sharing the same number again finds the open one.
 */
export const phoneConflicts = pgTable(
  "phone_conflicts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    phone: text("phone").notNull(),
    /** A deleted account takes its conflicts with it: nothing is left to decide, and the phone goes. */
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    holderTelegramUserId: telegramId("holder_telegram_user_id").references(() => telegramUsers.id, {
      onDelete: "set null",
    }),
    claimantTelegramUserId: telegramId("claimant_telegram_user_id")
      .notNull()
      .references(() => telegramUsers.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["open", "resolved", "dismissed"] })
      .notNull()
      .default("open"),
    createdAt: createdAt(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: telegramId("decided_by"),
    reason: text("reason"),
  },
  (table) => [
    uniqueIndex("phone_conflicts_open_idx")
      .on(table.accountId, table.claimantTelegramUserId)
      .where(sql`${table.status} = 'open'`),
    index("phone_conflicts_status_idx").on(table.status, table.createdAt),
    check(
      "phone_conflicts_decision",
      sql`(${table.status} = 'open') = (${table.decidedAt} is null) and (${table.status} = 'open' or (${table.decidedBy} is not null and ${table.reason} is not null))`,
    ),
  ],
);

/**
 * What managers did to guests' accounts, append-only: who, what, to which account, why and when.
 * `details` holds the facts of the action (the Telegram users an account moved between).
 */
export const managerActions = pgTable(
  "manager_actions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    managerTelegramId: telegramId("manager_telegram_id").notNull(),
    action: text("action", { enum: ["phone_conflict_resolved", "phone_conflict_dismissed"] }).notNull(),
    accountId: uuid("account_id").references(() => accounts.id, { onDelete: "set null" }),
    reason: text("reason").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("manager_actions_account_idx").on(table.accountId, table.at)],
);

// ---------------------------------------------------------------------------------------------
// Manager downloads (docs/decisions/025-manager-downloads.md).

/**
 * A file a manager's screen made (a poster, a CSV), kept for a few minutes so that Telegram's
 * `downloadFile`, which fetches a URL without initData, can fetch it from any server process. Only
 * the SHA-256 of the link's random token is stored: the table alone opens no link. Expired rows are
 * deleted whenever a new file is stored.
 */
export const downloadFiles = pgTable(
  "download_files",
  {
    tokenSha256: text("token_sha256").primaryKey(),
    fileName: text("file_name").notNull(),
    mediaType: text("media_type").notNull(),
    bytes: bytea("bytes").notNull(),
    createdBy: telegramId("created_by").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("download_files_expires_at_idx").on(table.expiresAt)],
);
