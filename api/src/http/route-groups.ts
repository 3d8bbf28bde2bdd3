import { type ErrorCode, errorStatus } from "@guestcard/shared";
import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Env, MiddlewareHandler } from "hono";
import type { Config } from "../config";
import { ApiError } from "../errors";
import { type ManagerAccess, requireManager } from "../managers/manager-access";
import { type PosVariables, posAuth } from "../pos/pos-auth";
import { type GuestVariables, initDataAuth } from "../telegram/init-data-auth";
import { errorEnvelopeRef } from "./openapi-document";
import { jsonBodyReader } from "./request-body";
import { validationHook } from "./validation";

/** What a guest (or manager, or demo) route knows once its guard has let the request in. */
export type GuestEnv = { Variables: GuestVariables };
/** What a POS route knows once its guard has let the request in: the terminal's name. */
export type PosEnv = { Variables: PosVariables };

/** How callers prove who they are, as the OpenAPI document names it (openapi-document.ts lists both). */
export type SecurityScheme = "tma" | "posKey";

/** An OpenAPIHono whose validators answer in the error envelope (422 `validation_failed` with `fields`). */
export function openApiRoutes<E extends Env = Env>() {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}

/** An error code a route answers with; with a status where the route sends it with another than usual. */
export type DocumentedError = ErrorCode | { code: ErrorCode; status: number };

/** A route as a group declares it: @hono/zod-openapi's config, plus the error codes it may answer with. */
export type GroupRouteConfig = RouteConfig & {
  /** The route's own errors (the caller's state: 403, 404, 409, 429…); the group's and the body's are added. */
  errors?: readonly DocumentedError[];
};

/**
 * One group of routes under one guard: guest (initData), manager (initData + the manager check), POS
 * (the terminal's key), demo (initData, and 404 outside demo mode). The guard is applied once, by the
 * group, to everything under where the group's routes are mounted — known paths and unknown ones — so
 * a route added to a group cannot be reached without passing it; api/test/route-auth-suite.ts proves
 * it for every route in the OpenAPI document.
 */
export class RouteGroup<E extends Env> {
  constructor(
    readonly name: "guest" | "manager" | "pos" | "demo",
    private readonly guards: readonly MiddlewareHandler<E>[],
    readonly security: SecurityScheme,
    /** What the guards may answer, documented on every route of the group. */
    private readonly guardErrors: readonly ErrorCode[],
  ) {}

  /**
   * A new set of routes in this group, to be mounted under a path of its own
   * (`api.route("/card", cardRoutes(...))`): the guard runs first for every request under that path.
   * Never mount one at "/": its guard would then stand in front of every other group's routes.
   * Sets mounted inside it (`openApiRoutes()`, as the manager's sources and settings are) are behind
   * the same guard.
   */
  routes(): OpenAPIHono<E> {
    const routes = openApiRoutes<E>();
    for (const guard of this.guards) routes.use("*", guard);
    return routes;
  }

  /**
   * Declares a route of this group from its schemas: documents its security and every error it may
   * answer with, and puts the one body reader (request-body.ts) in front of the validator of a JSON
   * body, after the route's own middleware (a rate limit comes before the body is read).
   */
  route<P extends string, R extends Omit<GroupRouteConfig, "path"> & { path: P }>(config: R) {
    const { errors = [], ...route } = config;
    const ownMiddleware = route.middleware === undefined ? [] : [route.middleware].flat();
    const takesJson = route.request?.body?.content?.["application/json"] !== undefined;
    const validates =
      takesJson ||
      route.request?.query !== undefined ||
      route.request?.params !== undefined ||
      route.request?.headers !== undefined;
    const documentedErrors: DocumentedError[] = [
      ...this.guardErrors,
      ...(takesJson ? (["payload_too_large", "bad_request"] as const) : []),
      ...(validates ? (["validation_failed"] as const) : []),
      ...errors,
    ];
    return createRoute({
      ...route,
      tags: [this.name],
      security: [{ [this.security]: [] }],
      middleware: [...ownMiddleware, ...(takesJson ? [jsonBodyReader] : [])],
      responses: { ...errorResponses(documentedErrors), ...route.responses },
    }) as unknown as Omit<R, "errors"> & { getRoutingPath(): string };
  }
}

/**
 * One documented response per status: the envelope, with `error.code` narrowed to the codes that
 * travel with that status here (so a test can hold each real answer to it), and `Retry-After` on 429.
 */
export function errorResponses(errors: readonly DocumentedError[]): RouteConfig["responses"] {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const error of errors) {
    const { code, status } = typeof error === "string" ? { code: error, status: errorStatus[error] } : error;
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codeSet]) => {
      const codes = [...codeSet];
      const schema = {
        allOf: [errorEnvelopeRef, { properties: { error: { properties: { code: { enum: codes } } } } }],
      };
      return [
        status,
        {
          description: codes.map((code) => `\`${code}\``).join(", "),
          ...(status === 429
            ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } }
            : {}),
          content: { "application/json": { schema } },
        },
      ];
    }),
  );
}

export interface RouteGroupDeps {
  config: Config;
  /** What Mini App initData is signed with: BOT_TOKEN, or the demo token in demo mode. */
  initDataToken: string;
  managerAccess: ManagerAccess;
  demo: boolean;
}

export interface RouteGroups {
  guest: RouteGroup<GuestEnv>;
  manager: RouteGroup<GuestEnv>;
  pos: RouteGroup<PosEnv>;
  demo: RouteGroup<GuestEnv>;
}

export function createRouteGroups(deps: RouteGroupDeps): RouteGroups {
  const guestAuth = initDataAuth({
    botToken: deps.initDataToken,
    maxAgeSeconds: deps.config.initDataMaxAgeSeconds,
  });
  // Mounted in every mode, so the web's typed client knows the demo routes; outside demo mode they
  // answer as any unknown path does, once the caller is authenticated like on any guest route.
  const demoOnly: MiddlewareHandler<GuestEnv> = async (_c, next) => {
    if (!deps.demo) throw new ApiError("not_found", "There is no such API endpoint.");
    await next();
  };
  return {
    guest: new RouteGroup("guest", [guestAuth], "tma", ["unauthorized"]),
    // The manager check comes before anything else is read: a non-manager learns nothing from it.
    manager: new RouteGroup("manager", [guestAuth, requireManager(deps.managerAccess)], "tma", [
      "unauthorized",
      "forbidden",
    ]),
    pos: new RouteGroup("pos", [posAuth(deps.config.posApiKeys)], "posKey", ["unauthorized"]),
    demo: new RouteGroup("demo", [guestAuth, demoOnly], "tma", ["unauthorized", "not_found"]),
  };
}
