import { afterAll } from "vitest";
import { documentedRoutes, runRouteAuthSuite } from "../../test/route-auth-suite";
import { createTestContext, expectStatus, guest } from "../../test/test-app";
import type { OpenApiDocument } from "./openapi-document";

const posSecret = "route-auth-till-secret";
const maxAgeSeconds = 3600;

// The routes are read from the app's own document before the tests are declared, so every route,
// present or future, gets its own cases.
const context = await createTestContext({
  POS_API_KEYS: `till1:${posSecret}`,
  ADMIN_TELEGRAM_IDS: "4242",
  INIT_DATA_MAX_AGE_SECONDS: String(maxAgeSeconds),
});
afterAll(() => context.close());
const document = await expectStatus<OpenApiDocument>(await context.request("/api/openapi.json"), 200);

runRouteAuthSuite({
  context: () => context,
  routes: documentedRoutes(document),
  posSecret,
  nonManager: guest(4343, "Not a manager"),
  maxAgeSeconds,
});
