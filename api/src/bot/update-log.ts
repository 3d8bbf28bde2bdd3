import { BotError, GrammyError, HttpError } from "grammy";
import type { Update } from "grammy/types";

/**
 * What a log line may say about an update: its id, its kind and who sent it where — never its
 * content (a contact carries a phone number, a text may carry anything).
 */
export function describeUpdate(update: Partial<Update> | undefined) {
  if (!update || typeof update !== "object") return { updateId: undefined };
  const kind = Object.keys(update).find((key) => key !== "update_id");
  const body = kind ? (update as Record<string, unknown>)[kind] : undefined;
  const message = (body ?? {}) as {
    chat?: { id?: number; type?: string };
    from?: { id?: number };
    message?: { chat?: { id?: number; type?: string } };
  };
  const chat = message.chat ?? message.message?.chat;
  const payloadKinds = ["contact", "text", "photo", "sticker", "document", "web_app_data"];
  return {
    updateId: update.update_id,
    kind,
    messageKind: payloadKinds.find((key) => body && typeof body === "object" && key in body),
    chatId: chat?.id,
    chatType: chat?.type,
    fromId: message.from?.id,
  };
}

/**
 * An error as a log line may carry it. grammY's errors keep the call's payload (a message text with
 * a phone in it) and drizzle's keep the query's parameters, so only names, codes and messages that
 * describe the failure are kept.
 */
export function describeError(error: unknown): Record<string, unknown> {
  const inner = error instanceof BotError ? error.error : error;
  if (inner instanceof GrammyError) {
    return {
      name: "GrammyError",
      method: inner.method,
      errorCode: inner.error_code,
      message: inner.description,
    };
  }
  if (inner instanceof HttpError) return { name: "HttpError", message: inner.message };
  if (inner instanceof Error) {
    // A failed drizzle query says "Failed query: <sql> params: <values>"; the driver's cause does not.
    const cause = (inner as { cause?: unknown }).cause;
    const source = inner.message.startsWith("Failed query") && cause instanceof Error ? cause : inner;
    return {
      name: source.name,
      message: source.message.startsWith("Failed query") ? "database query failed" : source.message,
      code: (source as { code?: unknown }).code,
      stack: source.stack?.split("\n").slice(1, 6).join("\n"),
    };
  }
  return { name: typeof inner, message: "non-error thrown" };
}
