// Builders for the updates Telegram sends the bot, and a way to deliver them through the real
// app's /telegram/webhook, as Telegram does (JSON body, the secret header).
import type { Contact, Message, Update, User } from "grammy/types";
import { secretHeader } from "../src/telegram/webhook";
import type { TestContext } from "./test-app";

export const testWebhookSecret = "test_webhook-SECRET_0123456789";
export const testPublicUrl = "https://guestcard.example.test";
export const testManagerChatId = -1_001_000_000_001;

/** The environment of a test app whose bot runs in webhook mode against a fake Bot API. */
export function webhookEnvironment(apiRoot: string, extra: Record<string, string> = {}) {
  return {
    BOT_MODE: "webhook",
    PUBLIC_URL: testPublicUrl,
    WEBHOOK_SECRET: testWebhookSecret,
    TELEGRAM_API_ROOT: apiRoot,
    MANAGER_CHAT_ID: String(testManagerChatId),
    ...extra,
  };
}

let nextUpdateId = 10_000;
let nextMessageId = 1;

export interface TestTelegramUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

export const telegramUser = (id: number, firstName = "Guest", languageCode = "en"): TestTelegramUser => ({
  id,
  firstName,
  lastName: "Tester",
  username: `guest${id}`,
  languageCode,
});

function from(user: TestTelegramUser): User {
  return {
    id: user.id,
    is_bot: false,
    first_name: user.firstName,
    ...(user.lastName ? { last_name: user.lastName } : {}),
    ...(user.username ? { username: user.username } : {}),
    ...(user.languageCode ? { language_code: user.languageCode } : {}),
  };
}

type Chat = Message["chat"];

const privateChat = (user: TestTelegramUser): Chat => ({
  id: user.id,
  type: "private",
  first_name: user.firstName,
});

export const groupChat = (id = testManagerChatId): Chat => ({ id, type: "supergroup", title: "Managers" });

function messageUpdate(user: TestTelegramUser, fields: Partial<Message>, chat?: Chat): Update {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chat ?? privateChat(user),
      from: from(user),
      ...fields,
    } as Update["message"],
  } as Update;
}

/** `/start` or `/start <payload>`, as the client sends it after a `t.me/<bot>?start=<payload>` link. */
export function startUpdate(user: TestTelegramUser, payload?: string, chat?: Chat): Update {
  const text = payload === undefined ? "/start" : `/start ${payload}`;
  return messageUpdate(user, { text, entities: [{ type: "bot_command", offset: 0, length: 6 }] }, chat);
}

export function textUpdate(user: TestTelegramUser, text: string, chat?: Chat): Update {
  return messageUpdate(user, { text }, chat);
}

/**
 * A contact message. By default the sender's own contact, exactly as the `request_contact` button
 * (or the Mini App's `requestContact()`) sends it: `user_id` equal to the sender's id.
 */
export function contactUpdate(
  user: TestTelegramUser,
  phoneNumber: string,
  options: { userId?: number | null; chat?: Chat; firstName?: string } = {},
): Update {
  const contactUserId = options.userId === undefined ? user.id : options.userId;
  const contact: Contact = {
    phone_number: phoneNumber,
    first_name: options.firstName ?? user.firstName,
    ...(contactUserId === null ? {} : { user_id: contactUserId }),
  };
  return messageUpdate(user, { contact }, options.chat);
}

/** Delivers an update to the app's webhook, with the right secret unless told otherwise. */
export function deliver(
  context: TestContext,
  update: unknown,
  options: { secret?: string | null; body?: string } = {},
): Promise<Response> {
  const secret = options.secret === undefined ? testWebhookSecret : options.secret;
  return Promise.resolve(
    context.app.request("/telegram/webhook", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret === null ? {} : { [secretHeader]: secret }),
      },
      body: options.body ?? JSON.stringify(update),
    }),
  );
}

/** A member's status in a chat as Telegram sends it in `chat_member` updates. */
export function chatMemberStatus(
  user: User,
  status: "creator" | "administrator" | "member" | "restricted" | "left" | "kicked",
  options: { isMember?: boolean } = {},
) {
  if (status === "restricted") return { status, user, is_member: options.isMember ?? false };
  if (status === "kicked") return { status, user, until_date: 0 };
  if (status === "creator") return { status, user, is_anonymous: false };
  return { status, user };
}

/**
 * A `chat_member` update (someone's status in a group changed; Telegram sends these to a bot that
 * administers the group), or `my_chat_member` when `user` is the bot itself.
 */
export function chatMemberUpdate(
  user: TestTelegramUser | User,
  status: Parameters<typeof chatMemberStatus>[1],
  options: {
    chat?: Chat;
    isMember?: boolean;
    /** Seconds since the epoch; now by default. */
    date?: number;
    kind?: "chat_member" | "my_chat_member";
  } = {},
): Update {
  const member: User = "is_bot" in user ? user : from(user);
  return {
    update_id: nextUpdateId++,
    [options.kind ?? "chat_member"]: {
      chat: options.chat ?? groupChat(),
      from: member,
      date: options.date ?? Math.floor(Date.now() / 1000),
      old_chat_member: { status: "left", user: member },
      new_chat_member: chatMemberStatus(member, status, options),
    },
  } as unknown as Update;
}

/** A service message in a group: members who joined, or one who left. */
export function membersMessageUpdate(
  user: TestTelegramUser,
  change: { joined: TestTelegramUser[] } | { left: TestTelegramUser },
  chat: Chat = groupChat(),
): Update {
  return messageUpdate(
    user,
    "joined" in change
      ? { new_chat_members: change.joined.map(from) }
      : { left_chat_member: from(change.left) },
    chat,
  );
}
