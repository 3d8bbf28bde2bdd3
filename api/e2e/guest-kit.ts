// What the e2e files that drive a real server do for their guests and managers besides the browser:
// an API call as a Telegram user, and the bot's part of onboarding (guest-records, manager-tools).
import { type LaunchUser, signInitData } from "../src/demo/launch-url";
import type { FakeBotApi } from "../test/fake-bot-api";
import { contactUpdate, startUpdate, telegramUser } from "../test/telegram-updates";
import { testBotToken } from "../test/test-app";

export interface ApiRequest {
  /** Signs initData for this user, as the Mini App sends it. */
  as?: LaunchUser;
  /** A JSON body; the method is POST when given, GET otherwise, unless `method` says. */
  json?: unknown;
  method?: string;
  headers?: Record<string, string>;
}

/** A request to the running server, as the Mini App would make it for `init.as`. */
export function requestApi(serverUrl: string, path: string, init: ApiRequest = {}): Promise<Response> {
  return fetch(`${serverUrl}${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers: {
      ...(init.as ? { authorization: `tma ${signInitData(init.as, testBotToken)}` } : {}),
      ...(init.json === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
}

/**
 * What the bot does for a real guest: /start (with a source's code, if any), then their own contact,
 * each time waiting for the bot's answer.
 */
export async function shareThroughTheBot(
  fake: FakeBotApi,
  user: LaunchUser,
  phone: string,
  code?: string,
): Promise<void> {
  const sent = () => fake.messagesTo(user.id).length;
  const before = sent();
  fake.pushUpdate(startUpdate(telegramUser(user.id, user.firstName), code));
  await fake.waitFor(() => sent() > before, 10_000);
  const afterStart = sent();
  fake.pushUpdate(contactUpdate(telegramUser(user.id, user.firstName), phone));
  await fake.waitFor(() => sent() > afterStart, 10_000);
}
