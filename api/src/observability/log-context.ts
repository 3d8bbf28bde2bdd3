import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line written while handling one request or one Telegram update carries, without
 * each feature passing it along: the request id (an HTTP request) and the update id (a bot update).
 * A webhook request has both: the bot adds the update id to the request's context.
 */
export interface LogContext {
  requestId?: string;
  updateId?: number;
}

const storage = new AsyncLocalStorage<LogContext>();

/** The fields of the context the caller runs in, as a copy (the logger merges into what it gets). */
export function currentLogContext(): LogContext {
  const store = storage.getStore();
  return store ? { ...store } : {};
}

/** Runs `work` (and everything it starts) with `fields` added to the current context. */
export function runWithLogContext<T>(fields: LogContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/**
 * Runs `work` in `context` itself (not a copy): what `addToLogContext` adds inside shows up in
 * `context` afterwards. For the request logger, which writes the request's line once it is handled.
 */
export function runInLogContext<T>(context: LogContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * Adds `fields` to the context of the request being handled, if any, so that the request's own log
 * line (written once the handler has returned) carries them too: a webhook request names the
 * update it delivered. Outside a request it does nothing.
 */
export function addToLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}
