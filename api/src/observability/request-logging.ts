import { createMiddleware } from "hono/factory";
import type { RequestIdVariables } from "hono/request-id";
import type { Logger } from "../logger";
import type { Metrics } from "./metrics";

/**
 * One log line and one latency sample per request. Only the route pattern is logged, never the
 * query string or headers: those may carry initData or a POS secret.
 */
export function requestLogging(logger: Logger, metrics: Metrics | undefined) {
  return createMiddleware<{ Variables: RequestIdVariables }>(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath;
    metrics?.observeRequest(c.req.method, route, c.res.status, seconds);
    logger.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      "request",
    );
  });
}
