import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import type { Metrics } from "./metrics";

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * `GET /metrics`: the Prometheus text exposition, for a scraper holding `METRICS_TOKEN` as a bearer
 * token (Prometheus: `authorization: { credentials: <token> }`). Without METRICS_TOKEN the endpoint
 * does not exist (404) — the figures say how busy the restaurant is, which is nobody else's business.
 * Tokens are compared as SHA-256 digests with timingSafeEqual, so the answer time says nothing
 * about how much of a guess was right.
 */
export function metricsRoutes(deps: { metrics: Metrics; token: string | undefined }) {
  const expected = deps.token === undefined ? undefined : sha256(deps.token);
  return new Hono().get("/", async (c) => {
    c.header("cache-control", "no-store");
    if (!expected) return c.text("Not Found", 404);
    const presented = /^Bearer +(\S+) *$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (presented === undefined || !timingSafeEqual(sha256(presented), expected)) {
      c.header("www-authenticate", 'Bearer realm="guestcard-metrics"');
      return c.text("Unauthorized: send METRICS_TOKEN as `Authorization: Bearer <token>`.", 401);
    }
    c.header("content-type", deps.metrics.contentType);
    return c.body(await deps.metrics.render(), 200);
  });
}
