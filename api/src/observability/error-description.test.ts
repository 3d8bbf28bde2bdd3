import { BotError, GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { classifyFailure } from "../outbox/telegram-failure";
import { describeError, summarizeError } from "./error-description";

const phone = "+79095339392";
const botToken = "123456789:TEST-token-abcdefghijklmnopqrstuvwxyz012";

/** A refused Bot API call, carrying what it tried to send. */
const refused = () =>
  new GrammyError(
    "Call to 'sendMessage' failed!",
    { ok: false, error_code: 400, description: "Bad Request: chat not found" },
    "sendMessage",
    { chat_id: 1, text: `Review from ${phone}` },
  );

/** A failed drizzle query: the SQL and its parameters in the message, the driver's error as the cause. */
const failedQuery = () =>
  new Error(`Failed query: insert into accounts (phone) values ($1)\nparams: ${phone}`, {
    cause: Object.assign(
      new Error('duplicate key value violates unique constraint "accounts_phone_unique"'),
      {
        code: "23505",
      },
    ),
  });

describe("the one error scrubber", () => {
  it("describes a refused Bot API call by its method and Telegram's answer, never by what it sent", () => {
    const description = describeError(refused());
    expect(description).toEqual({
      type: "GrammyError",
      method: "sendMessage",
      errorCode: 400,
      message: "Bad Request: chat not found",
    });
    expect(summarizeError(refused())).toBe("sendMessage: 400 Bad Request: chat not found");
  });

  it("unwraps the error of a failed bot handler", () => {
    const wrapped = new BotError(refused(), {} as ConstructorParameters<typeof BotError>[1]);
    expect(describeError(wrapped)).toMatchObject({ type: "GrammyError", method: "sendMessage" });
  });

  it("keeps a failed query's cause, and neither its SQL nor its parameters", () => {
    const description = describeError(failedQuery());
    expect(description).toMatchObject({ code: "23505", message: expect.stringContaining("duplicate key") });
    expect(JSON.stringify(description)).not.toContain("9095339392");
    expect(JSON.stringify(description)).not.toContain("insert into");
    expect(summarizeError(failedQuery())).toMatch(/^database: duplicate key/);
  });

  it("says a network failure is one, without the URL that holds the bot token", () => {
    const network = new HttpError(
      "Network request for 'sendMessage' failed!",
      new Error(`fetch bot${botToken}`),
    );
    expect(JSON.stringify(describeError(network))).not.toContain(botToken);
    expect(summarizeError(network)).toBe("network: Network request for 'sendMessage' failed!");
  });

  it("keeps only the top of a stack, and says so when something that is not an Error was thrown", () => {
    const description = describeError(new TypeError("x is not a function"));
    expect(description.type).toBe("TypeError");
    expect(description.stack?.split("\n").length).toBeLessThanOrEqual(5);
    expect(describeError({ phone })).toEqual({ type: "object", message: "non-error thrown" });
  });

  it("gives the outbox its descriptions, while the outbox keeps its own classification", () => {
    expect(classifyFailure(refused())).toEqual({
      kind: "permanent",
      description: "sendMessage: 400 Bad Request: chat not found",
      hint: "check MANAGER_CHAT_ID and that the bot is a member of that chat",
    });
    expect(classifyFailure(failedQuery())).toEqual({
      kind: "transient",
      description: expect.stringMatching(/^database: duplicate key/),
    });
  });
});
