// Telegram is the one party our tests cannot reach, so they run the real grammY client against this
// small Bot API of ours (pointed to by TELEGRAM_API_ROOT). It answers with Telegram's real shapes,
// records every call, and can misbehave on demand (429, 500, 403, group rate limit) so the error
// paths get exercised too. It only knows what our app uses; anything else is 404, as on Telegram.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatMember, Message, Update, User, UserFromGetMe } from "grammy/types";

export type FakeBotApiFailure =
  | { status: 429; retryAfter: number }
  | { status: 500; description?: string }
  | { status: 400 | 403; description: string };

export type ChatMemberStatus = ChatMember["status"];

export interface FakeBotApiOptions {
  /** Defaults to the number before the colon of the calling token, as on Telegram. */
  botId?: number;
  username?: string;
  /** Longest time getUpdates holds a request open when nothing is pending. */
  pollWaitMs?: number;
  /** Telegram lets a bot send about 20 messages a minute to one group; shrink the window in tests. */
  rateLimit?: { perChatPerMinute: number; windowMs?: number };
  /**
   * Telegram's overall limit per bot: about 30 messages a second across all chats. Enforced over a
   * sliding window (a 429 with retry_after, counted in `overallRateLimited`); scale it up with a
   * shorter window or more messages to run thousands of sends in seconds.
   */
  botRateLimit?: { messages: number; windowMs?: number };
}

export interface RecordedCall {
  token: string;
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** HTTP status the fake answered with; 0 while the answer is pending (a held getUpdates). */
  status: number;
}

export type FakeBotApi = Awaited<ReturnType<typeof startFakeBotApi>>;

class TelegramError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

type BotApiAnswer =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after: number } };

export async function startFakeBotApi(options: FakeBotApiOptions = {}) {
  const pollWaitMs = options.pollWaitMs ?? 50;
  const calls: RecordedCall[] = [];
  const failures: Array<{ remaining: number; failure: FakeBotApiFailure; method?: string }> = [];
  const lastMessageIds = new Map<string, number>();
  const recentSends = new Map<string, number[]>();
  const members = new Map<string, ChatMemberStatus>();
  const menuButtons = new Map<string, unknown>();
  let pendingUpdates: Update[] = [];
  let nextUpdateId = 1;
  const updateWaiters = new Set<() => void>();
  let webhook: Record<string, unknown> = {};
  let commands: unknown = [];

  const botUser = (token: string): User => ({
    id: options.botId ?? Number(token.split(":")[0]),
    is_bot: true,
    first_name: "Guestcard Test",
    username: options.username ?? "guestcard_test_bot",
  });

  // Telegram's convention: users have positive ids, groups and supergroups negative ones.
  const chatFor = (chatId: unknown): Message["chat"] => {
    const id = Number(chatId);
    if (!Number.isSafeInteger(id) || id === 0) throw new TelegramError(400, "Bad Request: chat not found");
    return id > 0
      ? { id, type: "private", first_name: `Guest ${id}` }
      : { id, type: "supergroup", title: `Group ${id}` };
  };

  const sendMessage = (params: Record<string, unknown>, { token, method }: RecordedCall) => {
    const chat = chatFor(params.chat_id);
    const text = typeof params.text === "string" ? params.text : "";
    if (method === "sendMessage" && text.trim() === "")
      throw new TelegramError(400, "Bad Request: message text is empty");
    // The limit our review messages must respect by splitting (README.md, Reviews).
    if ([...text].length > 4096) throw new TelegramError(400, "Bad Request: message is too long");
    const messageId = (lastMessageIds.get(String(chat.id)) ?? 0) + 1;
    lastMessageIds.set(String(chat.id), messageId);
    const date = Math.floor(Date.now() / 1000);
    const reply = params.reply_parameters as { message_id?: number } | undefined;
    return {
      message_id: messageId,
      date,
      chat,
      from: botUser(token),
      ...(method === "sendMessage" ? { text } : { caption: params.caption }),
      ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}),
      ...(reply?.message_id ? { reply_to_message: { message_id: reply.message_id, date, chat } } : {}),
    };
  };

  const handlers: Record<string, (params: Record<string, unknown>, call: RecordedCall) => unknown> = {
    getMe: (_params, { token }): UserFromGetMe => ({
      ...botUser(token),
      is_bot: true,
      username: options.username ?? "guestcard_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: true,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    }),
    sendMessage,
    sendPhoto: sendMessage,
    sendDocument: sendMessage,
    editMessageText: (params, { token }) =>
      params.inline_message_id
        ? true
        : {
            message_id: Number(params.message_id),
            date: Math.floor(Date.now() / 1000),
            edit_date: Math.floor(Date.now() / 1000),
            chat: chatFor(params.chat_id),
            from: botUser(token),
            text: params.text,
          },
    deleteMessage: () => true,
    answerCallbackQuery: () => true,
    setMyDescription: () => true,
    setMyShortDescription: () => true,
    setMyCommands: (params) => {
      commands = params.commands ?? [];
      return true;
    },
    getMyCommands: () => commands,
    setChatMenuButton: (params) => {
      menuButtons.set(String(params.chat_id ?? "default"), params.menu_button ?? { type: "default" });
      return true;
    },
    getChatMenuButton: (params) =>
      menuButtons.get(String(params.chat_id ?? "default")) ??
      menuButtons.get("default") ?? { type: "default" },
    setWebhook: (params) => {
      webhook = params;
      return true;
    },
    deleteWebhook: (params) => {
      webhook = {};
      if (params.drop_pending_updates) pendingUpdates = [];
      return true;
    },
    getWebhookInfo: () => ({
      url: typeof webhook.url === "string" ? webhook.url : "",
      has_custom_certificate: false,
      pending_update_count: pendingUpdates.length,
      ...(webhook.allowed_updates ? { allowed_updates: webhook.allowed_updates } : {}),
    }),
    getChat: (params) => ({
      ...chatFor(params.chat_id),
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    }),
    getChatMember: (params): ChatMember => {
      chatFor(params.chat_id);
      const user: User = { id: Number(params.user_id), is_bot: false, first_name: `User ${params.user_id}` };
      const status = members.get(`${params.chat_id}/${params.user_id}`) ?? "left";
      if (status === "kicked") return { status, user, until_date: 0 };
      if (status === "creator") return { status, user, is_anonymous: false };
      if (status === "restricted" || status === "administrator") {
        // Full permission objects add nothing to our tests; the status is what the app reads.
        return { status, user } as unknown as ChatMember;
      }
      return { status, user };
    },
    getChatAdministrators: (params): ChatMember[] => {
      chatFor(params.chat_id);
      return [...members]
        .filter(
          ([key, status]) =>
            key.startsWith(`${params.chat_id}/`) && (status === "creator" || status === "administrator"),
        )
        .map(([key, status]) => {
          const user: User = {
            id: Number(key.split("/")[1]),
            is_bot: false,
            first_name: `User ${key.split("/")[1]}`,
          };
          return (
            status === "creator" ? { status, user, is_anonymous: false } : { status, user }
          ) as ChatMember;
        });
    },
    getUpdates: async (params) => {
      if (typeof webhook.url === "string" && webhook.url !== "") {
        throw new TelegramError(409, "Conflict: can't use getUpdates method while webhook is active");
      }
      const offset = Number(params.offset ?? 0);
      // Asking from an offset confirms every earlier update, so Telegram forgets them.
      pendingUpdates = pendingUpdates.filter((update) => update.update_id >= offset);
      if (pendingUpdates.length === 0) {
        // Long polling holds the request open; pollWaitMs keeps that short so tests stay fast.
        const waitMs = Math.min(pollWaitMs, Number(params.timeout ?? 0) * 1000);
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            updateWaiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, waitMs);
          updateWaiters.add(done);
        });
      }
      return pendingUpdates.slice(0, Number(params.limit ?? 100));
    },
  };

  const takeFailure = (method: string): TelegramError | undefined => {
    const entry = failures.find((candidate) => candidate.method === undefined || candidate.method === method);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) failures.splice(failures.indexOf(entry), 1);
    const { failure } = entry;
    if (failure.status === 429) {
      const description = `Too Many Requests: retry after ${failure.retryAfter}`;
      return new TelegramError(429, description, failure.retryAfter);
    }
    return new TelegramError(failure.status, failure.description ?? "Internal Server Error");
  };

  // Scripted answers per chat: a 403 for a guest who blocked the bot, a 429 now and then.
  const chatFailures = new Map<string, Array<{ remaining: number; failure: FakeBotApiFailure }>>();
  const takeChatFailure = (method: string, params: Record<string, unknown>): TelegramError | undefined => {
    if (!/^send/.test(method)) return undefined;
    const queue = chatFailures.get(String(params.chat_id));
    const entry = queue?.[0];
    if (!queue || !entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) queue.shift();
    const { failure } = entry;
    if (failure.status === 429)
      return new TelegramError(
        429,
        `Too Many Requests: retry after ${failure.retryAfter}`,
        failure.retryAfter,
      );
    return new TelegramError(failure.status, failure.description ?? "Internal Server Error");
  };

  const botSends: number[] = [];
  let overallRateLimited = 0;
  const checkBotRateLimit = (method: string) => {
    const limit = options.botRateLimit;
    if (!limit || !/^(send|copy|forward)/.test(method) || method === "sendChatAction") return;
    const windowMs = limit.windowMs ?? 1000;
    const now = performance.now();
    while (botSends.length > 0 && (botSends[0] as number) <= now - windowMs) botSends.shift();
    if (botSends.length >= limit.messages) {
      overallRateLimited += 1;
      throw new TelegramError(429, "Too Many Requests: retry after 1", 1);
    }
    botSends.push(now);
  };

  const checkGroupRateLimit = (method: string, params: Record<string, unknown>) => {
    const limit = options.rateLimit;
    const isMessage = /^(send|copy|forward)/.test(method) && method !== "sendChatAction";
    if (!limit || !isMessage || !(Number(params.chat_id) < 0)) return;
    const windowMs = limit.windowMs ?? 60_000;
    const now = Date.now();
    const key = String(params.chat_id);
    const recent = (recentSends.get(key) ?? []).filter((at) => at > now - windowMs);
    recentSends.set(key, recent);
    const oldest = recent[0];
    if (oldest !== undefined && recent.length >= limit.perChatPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      throw new TelegramError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    }
    recent.push(now);
  };

  const answer = async (call: RecordedCall): Promise<BotApiAnswer> => {
    try {
      if (!/^\d+:[\w-]+$/.test(call.token)) throw new TelegramError(401, "Unauthorized");
      const failure = takeFailure(call.method);
      if (failure) throw failure;
      const handler = handlers[call.method];
      if (!handler) throw new TelegramError(404, "Not Found: method not found");
      checkBotRateLimit(call.method);
      const chatFailure = takeChatFailure(call.method, call.params);
      if (chatFailure) throw chatFailure;
      checkGroupRateLimit(call.method, call.params);
      return { ok: true, result: await handler(call.params, call) };
    } catch (error) {
      if (!(error instanceof TelegramError)) throw error;
      const parameters =
        error.retryAfter === undefined ? {} : { parameters: { retry_after: error.retryAfter } };
      return { ok: false, error_code: error.code, description: error.description, ...parameters };
    }
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake-bot-api");
    const match = /^\/bot([^/]+)\/(?:test\/)?(\w+)$/.exec(url.pathname);
    readParams(request, url)
      .then(async (params) => {
        const call: RecordedCall = {
          token: match?.[1] ?? "",
          method: match?.[2] ?? "",
          params,
          at: Date.now(),
          status: 0,
        };
        calls.push(call);
        callsChanged();
        const body: BotApiAnswer = match
          ? await answer(call)
          : { ok: false, error_code: 404, description: "Not Found" };
        call.status = body.ok ? 200 : body.error_code;
        response.writeHead(call.status, { "content-type": "application/json" }).end(JSON.stringify(body));
        callsChanged();
      })
      .catch((error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ ok: false, error_code: 500, description: `Fake Bot API bug: ${error}` }),
        );
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const callsTo = (method: string) => calls.filter((call) => call.method === method);

  // Waiters look at the calls again whenever one arrives or is answered: no polling, no sleeps.
  const callWatchers = new Set<() => void>();
  const callsChanged = () => {
    for (const watch of [...callWatchers]) watch();
  };

  /**
   * Resolves once `predicate` holds for the calls recorded so far (it is checked at every call and
   * answer), or fails after `timeoutMs` with the calls seen. Generous by default: waiting costs
   * nothing when the call comes, and a busy machine can be slow to make it.
   */
  const waitFor = (predicate: (recorded: RecordedCall[]) => boolean, timeoutMs = 10_000) =>
    new Promise<RecordedCall[]>((resolve, reject) => {
      const watch = () => {
        try {
          if (!predicate(calls)) return;
        } catch (error) {
          stop();
          reject(error);
          return;
        }
        stop();
        resolve(calls);
      };
      const timer = setTimeout(() => {
        stop();
        const seen = calls.map((call) => `${call.method}→${call.status}`).join(", ") || "none";
        reject(new Error(`Fake Bot API: condition not met within ${timeoutMs} ms; calls so far: ${seen}`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        callWatchers.delete(watch);
      };
      callWatchers.add(watch);
      watch();
    });

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    callsTo,
    /** Messages that Telegram accepted for the chat, oldest first; refused attempts are in `calls`. */
    messagesTo: (chatId: number | string) =>
      callsTo("sendMessage")
        .filter((call) => call.status === 200 && String(call.params.chat_id) === String(chatId))
        .map((call) => call.params),
    waitFor,
    waitForCalls: async (method: string, count: number, timeoutMs?: number) => {
      await waitFor(() => callsTo(method).length >= count, timeoutMs);
      return callsTo(method);
    },
    failNext: (count: number, failure: FakeBotApiFailure, only: { method?: string } = {}) => {
      failures.push({ remaining: count, failure, ...(only.method ? { method: only.method } : {}) });
    },
    /**
     * The next `count` sends to this chat fail so (Infinity: every one, as for a guest who blocked
     * the bot). Checked after the overall limit, so a scripted answer still counts as a send.
     */
    failChat: (chatId: number, failure: FakeBotApiFailure, count = Number.POSITIVE_INFINITY) => {
      const queue = chatFailures.get(String(chatId)) ?? [];
      queue.push({ remaining: count, failure });
      chatFailures.set(String(chatId), queue);
    },
    /** How many sends the overall per-bot limit (`botRateLimit`) refused. */
    overallRateLimited: () => overallRateLimited,
    /** The most sends the fake accepted (or answered) within any `windowMs`, over all calls so far. */
    busiestWindow: (windowMs = 1000) => {
      const times = calls
        .filter((call) => /^send/.test(call.method) && call.status !== 0)
        .map((call) => call.at)
        .sort((a, b) => a - b);
      let busiest = 0;
      for (let start = 0, end = 0; end < times.length; end++) {
        while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
        busiest = Math.max(busiest, end - start + 1);
      }
      return busiest;
    },
    setChatMember: (chatId: number, userId: number, status: ChatMemberStatus) => {
      members.set(`${chatId}/${userId}`, status);
    },
    /** Queues an update for a polling bot; `update_id` is assigned when left out. */
    pushUpdate: (update: Omit<Update, "update_id"> & { update_id?: number }): Update => {
      const queued = { ...update, update_id: update.update_id ?? nextUpdateId } as Update;
      nextUpdateId = Math.max(nextUpdateId, queued.update_id) + 1;
      pendingUpdates.push(queued);
      for (const wake of [...updateWaiters]) wake();
      return queued;
    },
    /** Forgets what happened (calls, queued failures, rate-limit history); keeps members set up. */
    reset: () => {
      calls.length = 0;
      failures.length = 0;
      recentSends.clear();
      chatFailures.clear();
      botSends.length = 0;
      overallRateLimited = 0;
    },
    close: async () => {
      for (const wake of [...updateWaiters]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

async function readParams(request: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) params[key] = fromFormField(key, value);
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const contentType = request.headers["content-type"] ?? "";
  if (body.length === 0) return params;
  if (contentType.startsWith("application/json")) return { ...params, ...JSON.parse(body.toString("utf8")) };
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(body.toString("utf8")))
      params[key] = fromFormField(key, value);
    return params;
  }
  const boundary = /boundary="?([^";]+)/.exec(contentType)?.[1];
  return boundary ? { ...params, ...readMultipart(body, boundary) } : params;
}

// Hand-rolled because grammY writes `filename=x.csv` unquoted, which Telegram accepts and Node's
// strict FormData parser refuses. Files are recorded by name and size, where `attach://` points.
function readMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const files: Record<string, { file_name: string; size: number }> = {};
  for (const part of body.toString("latin1").split(`--${boundary}`)) {
    const headerEnd = part.indexOf("\r\n\r\n");
    const name = /;\s*name="?([^";\r\n]+)/i.exec(part.slice(0, headerEnd))?.[1];
    if (headerEnd === -1 || !name) continue;
    const content = part.slice(headerEnd + 4).replace(/\r\n$/, "");
    const fileName = /filename="?([^";\r\n]+)/i.exec(part.slice(0, headerEnd))?.[1];
    if (fileName) files[name] = { file_name: fileName, size: Buffer.byteLength(content, "latin1") };
    else fields[name] = fromFormField(name, Buffer.from(content, "latin1").toString("utf8"));
  }
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string" && value.startsWith("attach://"))
      fields[key] = files[value.slice(9)] ?? value;
  }
  return fields;
}

// Form fields arrive as text; grammY JSON-encodes objects, and ids must compare equal to JSON calls.
function fromFormField(key: string, value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return key.endsWith("_id") && /^-?\d+$/.test(value) ? Number(value) : value;
}
