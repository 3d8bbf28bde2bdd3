import { createMiddleware } from "hono/factory";
import type { RequestIdVariables } from "hono/request-id";
import { routePath } from "hono/route";
import type { Logger } from "../logger";
import { type LogContext, runInLogContext } from "./log-context";
import type { Metrics } from "./metrics";

/**
 * Probes hit these every few seconds, and each Mini App start fetches a handful of hashed assets:
 * their lines are debug, so they do not drown the rest.
 */
const quietRoutes = new Set(["/health", "/metrics", "/assets/*"]);

/**
 * One log line and one latency sample per request, and the request id on every line logged while
 * the request is handled (the id comes from `hono/request-id`: the proxy's `X-Request-Id`, or a new
 * one). Only the route pattern is logged, never the path, query string or headers: a path may carry
 * an id, a query string initData, a header a POS secret.
 *
 * Registered before every route, so the handler that answered is the last one Hono dispatched to:
 * after `await next()`, `routePath(c)` (the current route index) is that handler's pattern, such as
 * `/api/manager/sources/:id`; a request no route took gets the catch-all's pattern (`/api/*`, `/*`).
 * A request a route group's guard refused was answered by the guard (`/api/me/*`, see
 * http/route-groups.ts); see routeLabel.
 */
export function requestLogging(logger: Logger, metrics: Metrics | undefined) {
  return createMiddleware<{ Variables: RequestIdVariables }>(async (c, next) => {
    const started = performance.now();
    const context: LogContext = { requestId: c.get("requestId") };
    await runInLogContext(context, next);
    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(routePath(c) || "/*", c.req.path);
    const status = c.res.status;
    metrics?.observeRequest(c.req.method, route, status, seconds);
    const line = { ...context, method: c.req.method, route, status, ms: Math.round(seconds * 1000) };
    if (quietRoutes.has(route)) logger.debug(line, "request");
    else logger.info(line, "request");
  });
}

/**
 * A guard mounted at `/api/me/*` that refuses a request for `/api/me` itself answered for that route:
 * the label is `/api/me`, like the answers the route gives. Deeper paths keep the guard's pattern.
 */
function routeLabel(pattern: string, path: string): string {
  return pattern.endsWith("/*") && path === pattern.slice(0, -2) ? path : pattern;
}
