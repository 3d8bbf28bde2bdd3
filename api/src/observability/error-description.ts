import { BotError, GrammyError, HttpError } from "grammy";

/** What a log line (or an outbox job's `last_error`) may say about an error. */
export interface ErrorDescription {
  type: string;
  message: string;
  /** A driver's or Node's code (`23505`, `ECONNREFUSED`). */
  code?: string;
  /** The Bot API method that failed, and Telegram's error code. */
  method?: string;
  errorCode?: number;
  /** The top of the stack: where it happened, not what it carried. */
  stack?: string;
}

/**
 * The one scrubber for errors on their way to a log: names, codes and messages that describe the
 * failure, never what the failed call carried. A grammY error keeps the call's payload (a message
 * with a phone in it), a drizzle error the query's parameters (a phone, a review's text), a fetch
 * error its URL (with the bot token in it); none of those is copied. logger.ts's serializer, the
 * bot's logs and the outbox's `last_error` all describe errors with this.
 */
export function describeError(error: unknown): ErrorDescription {
  const inner = error instanceof BotError ? error.error : error;
  if (inner instanceof GrammyError) {
    return {
      type: "GrammyError",
      method: inner.method,
      errorCode: inner.error_code,
      message: inner.description,
    };
  }
  if (inner instanceof HttpError) return { type: "HttpError", message: inner.message };
  if (!(inner instanceof Error)) return { type: typeof inner, message: "non-error thrown" };
  // A failed drizzle query says "Failed query: <sql> params: <values>"; its cause (the driver's error) does not.
  const cause = (inner as { cause?: unknown }).cause;
  const source = isFailedQuery(inner) && cause instanceof Error ? cause : inner;
  const { code } = source as { code?: unknown };
  const { error_code: errorCode } = inner as { error_code?: unknown };
  return {
    type: source.name,
    message: isFailedQuery(source) ? "database query failed" : source.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof errorCode === "number" ? { errorCode } : {}),
    ...(source.stack ? { stack: source.stack.split("\n").slice(1, 6).join("\n") } : {}),
  };
}

/** The same description on one line, e.g. `sendMessage: 400 Bad Request: chat not found`. */
export function summarizeError(error: unknown): string {
  const inner = error instanceof BotError ? error.error : error;
  const description = describeError(inner);
  if (inner instanceof GrammyError)
    return `${description.method}: ${description.errorCode} ${description.message}`;
  if (inner instanceof HttpError) return `network: ${description.message}`;
  if (inner instanceof Error && isFailedQuery(inner)) return `database: ${description.message}`;
  if (inner instanceof Error) return `${description.type}: ${description.message}`;
  return description.message;
}

function isFailedQuery(error: Error): boolean {
  return error.message.startsWith("Failed query");
}
