import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import { createLogger, safeError, secretScrubber } from "./logger";
import { addToLogContext, runInLogContext, runWithLogContext } from "./observability/log-context";

/** A logger writing into an array, one parsed JSON object per line. */
function capturedLogger(secrets: string[] = []) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: createLogger("debug", { destination, secrets }), lines, raw };
}

describe("log lines", () => {
  it("carry the request id and update id of the work they belong to, and nothing from elsewhere", async () => {
    const { logger, lines } = capturedLogger();
    const request = { requestId: "req-1" };
    await runInLogContext(request, async () => {
      logger.info("inside the request");
      await runWithLogContext({ updateId: 42 }, async () => {
        await new Promise(setImmediate); // an asynchronous hop: the context must survive it
        logger.info({ updateId: 43 }, "the call site's own field wins");
        logger.info("inside the update");
      });
      addToLogContext({ updateId: 42 });
    });
    logger.info("outside");
    expect(lines.map(({ msg, requestId, updateId }) => ({ msg, requestId, updateId }))).toEqual([
      { msg: "inside the request", requestId: "req-1", updateId: undefined },
      { msg: "the call site's own field wins", requestId: "req-1", updateId: 43 },
      { msg: "inside the update", requestId: "req-1", updateId: 42 },
      { msg: "outside", requestId: undefined, updateId: undefined },
    ]);
    // The request's own line is written from the context object, which now names the update.
    expect(request).toEqual({ requestId: "req-1", updateId: 42 });
  });

  it("redact fields named like personal data or credentials", () => {
    const { logger, lines } = capturedLogger();
    logger.info(
      { phone: "+79095339392", user: { phone: "+79095339392", token: "t" }, headers: { a: 1 } },
      "x",
    );
    expect(lines[0]).toMatchObject({
      phone: "[redacted]",
      user: { phone: "[redacted]", token: "[redacted]" },
    });
    expect(JSON.stringify(lines[0])).not.toContain("9095339392");
  });

  it("blank out configured secrets and anything shaped like a bot token, however they got in", () => {
    const posSecret = 'till"secret\\with-quote';
    const { logger, raw } = capturedLogger([posSecret, "webhook_SECRET-123"]);
    logger.info(
      { note: `key ${posSecret}` },
      "a webhook_SECRET-123 and 987654321:AAE-abcdefghijklmnopqrstuvwxyz0123 in a message",
    );
    expect(raw[0]).not.toContain("webhook_SECRET-123");
    expect(raw[0]).not.toContain("AAE-abcdefghijklmnopqrstuvwxyz0123");
    expect(raw[0]).not.toContain("secret\\\\with");
    expect(raw[0]?.match(/\[redacted\]/g)).toHaveLength(3);
  });

  it("scrub secrets of 8+ characters only, so a short one cannot blank out ordinary words", () => {
    const scrub = secretScrubber(["abc", undefined, "", "longer-secret"]);
    expect(scrub("abc longer-secret abc")).toBe("abc [redacted] abc");
  });

  it("keep an error's name, message and stack, never the query parameters or payload it carries", () => {
    const driver = Object.assign(
      new Error('duplicate key value violates unique constraint "accounts_phone_unique"'),
      {
        code: "23505",
        detail: "Key (phone)=(+79095339392) already exists.",
      },
    );
    const failed = new Error("Failed query: insert into accounts (phone) values ($1)\nparams: +79095339392", {
      cause: driver,
    });
    const { logger, raw } = capturedLogger();
    logger.error({ err: failed }, "unhandled error");
    logger.error(
      {
        error: Object.assign(new Error("Call failed"), {
          payload: { text: "+79095339392" },
          error_code: 400,
        }),
      },
      "x",
    );
    for (const line of raw) expect(line).not.toContain("9095339392");
    expect(safeError(failed)).toMatchObject({
      type: "Error",
      code: "23505",
      message: expect.stringContaining("duplicate key"),
    });
    expect(safeError({ already: "described" })).toEqual({ already: "described" });
  });
});

describe("log format", () => {
  it("is pretty in a developer's terminal, JSON in production or when stdout is not a terminal", () => {
    expect(parseConfig({}, { stdoutIsTty: true }).logFormat).toBe("pretty");
    expect(parseConfig({ NODE_ENV: "production" }, { stdoutIsTty: true }).logFormat).toBe("json");
    expect(parseConfig({}, { stdoutIsTty: false }).logFormat).toBe("json");
    expect(parseConfig({}).logFormat).toBe("json");
    expect(parseConfig({ LOG_FORMAT: "json" }, { stdoutIsTty: true }).logFormat).toBe("json");
    expect(parseConfig({ LOG_FORMAT: "pretty", NODE_ENV: "production" }).logFormat).toBe("pretty");
    expect(() => parseConfig({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT: must be json or pretty/);
  });
});
