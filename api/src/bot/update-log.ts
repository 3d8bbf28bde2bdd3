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

/** Errors are described for logs by the one scrubber, shared with the HTTP layer and the outbox. */
export { describeError } from "../observability/error-description";
