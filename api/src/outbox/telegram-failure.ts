import { GrammyError } from "grammy";
import { summarizeError } from "../observability/error-description";

/**
 * What a failed delivery attempt means for the next one:
 * - `rate_limited`: Telegram said 429; wait exactly `retry_after`;
 * - `transient`: 5xx, a network error, a timeout, or a fault of ours (a database hiccup): back off
 *   exponentially and try again;
 * - `permanent`: Telegram refused the request itself (chat not found, bot kicked, bad request).
 *   Retrying at once cannot help, but an operator can fix the cause (MANAGER_CHAT_ID, adding the
 *   bot back), so the job is kept and retried rarely rather than dropped.
 */
export type DeliveryFailure =
  | { kind: "rate_limited"; retryAfterMs: number; description: string }
  | { kind: "transient"; description: string }
  | { kind: "permanent"; description: string; hint?: string };

export function classifyFailure(error: unknown): DeliveryFailure {
  if (error instanceof GrammyError) {
    const description = summarizeError(error);
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return { kind: "rate_limited", retryAfterMs: Math.max(1, seconds) * 1000, description };
    }
    if (error.error_code >= 500) return { kind: "transient", description };
    const migratedTo = error.parameters.migrate_to_chat_id;
    const hint =
      migratedTo !== undefined
        ? `the group became a supergroup: set MANAGER_CHAT_ID=${migratedTo}`
        : /chat not found/i.test(error.description)
          ? "check MANAGER_CHAT_ID and that the bot is a member of that chat"
          : /kicked|not a member|blocked|deactivated/i.test(error.description)
            ? "add the bot back to the chat (or the user unblocks it); the job is kept"
            : undefined;
    return { kind: "permanent", description, ...(hint ? { hint } : {}) };
  }
  // A network error, a timeout, a fault of ours (a database hiccup): described without what the call
  // carried (a drizzle error's message holds the query's parameters: a review's text, a phone).
  return { kind: "transient", description: summarizeError(error) };
}
