import { errorEnvelopeSchema } from "@guestcard/shared";
import { describe, expect, it } from "vitest";
import { type LaunchUser, signInitData } from "../src/demo/launch-url";
import type { OpenApiDocument } from "../src/http/openapi-document";
import type { TestContext } from "./test-app";

/**
 * The authentication cases every route gets for free (like unkey's common route tests): the routes
 * are read from the app's own OpenAPI document, never listed by hand, so a route added to a group is
 * covered the moment it exists. The group of a route is its tag (route-groups.ts writes it).
 */

export type RouteGroupName = "guest" | "manager" | "pos" | "demo";

export interface DocumentedRoute {
  group: RouteGroupName;
  method: string;
  /** As documented: `/api/manager/sources/{id}`. */
  path: string;
  /** A URL to call it at, path parameters filled in. */
  url: string;
  /** The media type of its body, when it takes one. */
  bodyMediaType: string | undefined;
}

const methods = ["get", "post", "put", "patch", "delete"] as const;

export function documentedRoutes(document: OpenApiDocument): DocumentedRoute[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = item?.[method];
      if (!operation) return [];
      const group = operation.tags?.[0] as RouteGroupName | undefined;
      if (!group || !["guest", "manager", "pos", "demo"].includes(group)) {
        throw new Error(`${method.toUpperCase()} ${path} names no route group: declare it with a RouteGroup`);
      }
      const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
      return [
        {
          group,
          method: method.toUpperCase(),
          path,
          url: path.replace(/\{[^}]+\}/g, "1"),
          bodyMediaType: Object.keys(body?.content ?? {})[0],
        },
      ];
    }),
  );
}

export interface RouteAuthSuiteSetup {
  /** The app under test (not in demo mode), built with `POS_API_KEYS` naming `posSecret`. */
  context: () => TestContext;
  routes: readonly DocumentedRoute[];
  posSecret: string;
  /** Someone with valid initData who is not a manager. */
  nonManager: LaunchUser;
  maxAgeSeconds: number;
}

const otherBotToken = "987654321:ANOTHER-bot-token-abcdefghijklmnopqrstuv";

export function runRouteAuthSuite(setup: RouteAuthSuiteSetup): void {
  const { routes, nonManager } = setup;

  /** The route called with these credentials, with a small body where it takes one: a guard answers first. */
  const call = (route: DocumentedRoute, authorization: string | undefined) =>
    setup.context().request(route.url, {
      method: route.method,
      headers: {
        ...(authorization === undefined ? {} : { authorization }),
        ...(route.bodyMediaType ? { "content-type": route.bodyMediaType } : {}),
      },
      ...(route.bodyMediaType === "application/json" ? { body: "{}" } : {}),
      ...(route.bodyMediaType === "text/csv" ? { body: "phone\n+79211234567\n" } : {}),
    });

  const expectRefused = async (response: Response, status: number, code: string) => {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    const envelope = errorEnvelopeSchema.safeParse(JSON.parse(text));
    expect(envelope.success, text).toBe(true);
    expect(envelope.data?.error.code).toBe(code);
  };

  const initData = (user: LaunchUser, options: { token?: string; authDate?: Date } = {}) =>
    `tma ${options.token ? signInitData(user, options.token) : setup.context().initData(user, options)}`;

  const miniAppRoutes = routes.filter((route) => route.group !== "pos");
  const posRoutes = routes.filter((route) => route.group === "pos");

  it("finds routes of every group in the document", () => {
    const groups = new Set(routes.map((route) => route.group));
    expect([...groups].sort()).toEqual(["demo", "guest", "manager", "pos"]);
  });

  describe.each(routes)("$method $path", (route) => {
    it("refuses a request without credentials: 401", async () => {
      await expectRefused(await call(route, undefined), 401, "unauthorized");
    });
  });

  describe.each(miniAppRoutes)("$method $path ($group, initData)", (route) => {
    it("refuses initData signed with another bot's token: 401", async () => {
      await expectRefused(
        await call(route, initData(nonManager, { token: otherBotToken })),
        401,
        "unauthorized",
      );
    });

    it("refuses expired initData: 401", async () => {
      const authDate = new Date(Date.now() - (setup.maxAgeSeconds + 60) * 1000);
      await expectRefused(await call(route, initData(nonManager, { authDate })), 401, "unauthorized");
    });

    it("refuses a terminal's POS key: 401", async () => {
      await expectRefused(await call(route, `Bearer ${setup.posSecret}`), 401, "unauthorized");
    });
  });

  describe.each(routes.filter((route) => route.group === "manager"))("$method $path (manager)", (route) => {
    it("refuses valid initData of someone who is not a manager: 403, before reading anything", async () => {
      await expectRefused(await call(route, initData(nonManager)), 403, "forbidden");
    });
  });

  describe.each(routes.filter((route) => route.group === "demo"))("$method $path (demo)", (route) => {
    it("answers valid initData outside demo mode as an unknown path: 404", async () => {
      await expectRefused(await call(route, initData(nonManager)), 404, "not_found");
    });
  });

  describe.each(posRoutes)("$method $path (POS key)", (route) => {
    it("refuses the Mini App's initData: 401", async () => {
      await expectRefused(await call(route, initData(nonManager)), 401, "unauthorized");
    });

    it("refuses a key that is not one of POS_API_KEYS: 401", async () => {
      await expectRefused(await call(route, `Bearer ${setup.posSecret}-not`), 401, "unauthorized");
    });
  });

  // A group's guard stands in front of everything under where it is mounted, so a route added there
  // later — or a typo'd path — never runs unauthenticated (the bug of a hand-kept path list).
  const mountPoints = [...new Set(routes.map((route) => route.path.split("/").slice(0, 3).join("/")))];
  it.each(mountPoints)("guards unknown paths under %s too: 401 without credentials", async (mountPoint) => {
    for (const method of ["GET", "POST"]) {
      const response = await setup.context().request(`${mountPoint}/no-such-route`, { method });
      await expectRefused(response, 401, "unauthorized");
    }
  });
}
