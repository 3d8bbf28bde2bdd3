import { compileErrors, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContractChecker } from "../../test/openapi-contract";
import { createTestContext, expectStatus, type TestContext } from "../../test/test-app";
import type { OpenApiDocument } from "./openapi-document";

/** Served beside the API and public on purpose: the description of the API, not part of it. */
const documentationRoutes = ["GET /api/openapi.json", "GET /api/docs", "GET /api/docs/scalar.js"];
const methods = ["get", "post", "put", "patch", "delete"] as const;

/** Every operation of the document as `METHOD /path/:param`, the way Hono names its routes. */
function documentedOperations(document: OpenApiDocument): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    methods
      .filter((method) => item?.[method] !== undefined)
      .map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`),
  );
}

describe("the published contract: GET /api/openapi.json", () => {
  let context: TestContext;
  let document: OpenApiDocument;

  beforeAll(async () => {
    context = await createTestContext({ POS_API_KEYS: "till1:openapi-till-secret" });
    document = await expectStatus<OpenApiDocument>(await context.request("/api/openapi.json"), 200);
  });
  afterAll(() => context.close());

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(document.openapi).toBe("3.1.0");
    // The validator dereferences in place: it gets a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("lists every /api route the app serves, and nothing it does not serve", () => {
    const served = new Set(
      context.app.routes
        .filter((route) => route.path.startsWith("/api/") && route.method !== "ALL")
        .map((route) => `${route.method} ${route.path}`)
        .filter((route) => !documentationRoutes.includes(route)),
    );
    expect(served.size).toBeGreaterThan(10);
    expect(new Set(documentedOperations(document))).toEqual(served);
  });

  it("names the security of every operation: the Mini App's initData or a terminal's key", () => {
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(["posKey", "tma"]);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of methods) {
        const operation = item?.[method];
        if (!operation) continue;
        const expected = path.startsWith("/api/pos/") ? "posKey" : "tma";
        expect(operation.security, `${method} ${path}`).toEqual([{ [expected]: [] }]);
        expect(operation.responses?.["401"], `${method} ${path} documents its 401`).toBeDefined();
      }
    }
  });

  it("describes request bodies and answers with the shared schemas", () => {
    const registration = document.paths?.["/api/registration"]?.post;
    const body = registration?.requestBody as {
      content: Record<string, { schema: { required?: string[] } }>;
    };
    expect(body.content["application/json"]?.schema.required).toEqual(["lastName", "firstName", "consents"]);
    const identify = document.paths?.["/api/pos/identify"]?.post?.responses?.["429"];
    expect(JSON.stringify(identify)).toContain("too_many_attempts");
    expect(JSON.stringify(identify)).toContain("Retry-After");
  });
});

describe("the contract checker every route test runs (test/openapi-contract.ts)", () => {
  let context: TestContext;
  let document: OpenApiDocument;

  beforeAll(async () => {
    context = await createTestContext();
    document = await expectStatus<OpenApiDocument>(await context.request("/api/openapi.json"), 200);
  });
  afterAll(() => context.close());

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const card = {
    pin: "482913",
    code: "123456789012345678",
    issuedAt: "2025-01-01T00:00:00.000Z",
    expiresAt: "2025-01-01T00:05:00.000Z",
    serverTime: "2025-01-01T00:00:00.000Z",
    ttlSeconds: 300,
  };

  it("accepts an answer that matches, extra fields included", async () => {
    const checker = createContractChecker(document);
    await expect(
      checker.check("GET", "/api/card", json(200, { ...card, extra: 1 })),
    ).resolves.toBeUndefined();
    await expect(
      checker.check("GET", "/api/card", json(404, { error: { code: "no_card", message: "none" } })),
    ).resolves.toBeUndefined();
  });

  it("fails an answer whose body does not match the documented schema", async () => {
    const checker = createContractChecker(document);
    await expect(checker.check("GET", "/api/card", json(200, { ...card, pin: 482913 }))).rejects.toThrow(
      /does not match its documented schema/,
    );
  });

  it("fails a status the route does not document, and an error code its status does not name", async () => {
    const checker = createContractChecker(document);
    await expect(
      checker.check("GET", "/api/card", json(409, { error: { code: "conflict", message: "x" } })),
    ).rejects.toThrow(/does not list/);
    await expect(
      checker.check("GET", "/api/card", json(404, { error: { code: "not_found", message: "x" } })),
    ).rejects.toThrow(/does not match/);
  });

  it("leaves paths the document does not know alone: an unknown path's 404", async () => {
    const checker = createContractChecker(document);
    await expect(
      checker.check("GET", "/api/no-such-thing", json(404, { error: { code: "not_found", message: "x" } })),
    ).resolves.toBeUndefined();
  });
});

describe("the reference page: GET /api/docs", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(() => context.close());

  it("reads /api/openapi.json with a script of our own, and loads nothing from elsewhere", async () => {
    const response = await context.request("/api/docs");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('src="/api/docs/scalar.js"');
    expect(html).toContain('"url": "/api/openapi.json"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("serves that script", async () => {
    const response = await context.request("/api/docs/scalar.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("javascript");
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
