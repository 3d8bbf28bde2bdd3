import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { signInitData } from "../demo/launch-url";

/** Issue 4's guest routes: every one refuses a request without valid initData, before reading the body. */
describe("registration and my-data authentication (security)", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ INIT_DATA_MAX_AGE_SECONDS: "3600" });
  });
  afterAll(() => context.close());

  const routes = [
    ["GET", "/api/my-data"],
    ["DELETE", "/api/my-data"],
    ["DELETE", "/api/my-data/consents/marketing"],
    ["POST", "/api/registration"],
  ] as const;
  const expired = () =>
    signInitData(guest(7201), testBotToken, { authDate: new Date(Date.now() - 2 * 3600_000) });
  const headers: [string, () => string | undefined][] = [
    ["no header", () => undefined],
    ["forged initData", () => "tma user=%7B%22id%22%3A1%7D&auth_date=1&hash=00"],
    ["expired initData", () => `tma ${expired()}`],
  ];
  const cases = routes.flatMap(([method, path]) =>
    headers.map(([name, header]) => [method, path, name, header] as const),
  );

  it.each(cases)("%s %s with %s: 401, even with a malformed body", async (method, path, _name, header) => {
    const authorization = header();
    const response = await context.app.request(path, {
      method,
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: method === "POST" ? "{ not json" : undefined,
    });
    const body = await expectStatus<{ error: { code: string } }>(response, 401);
    expect(body.error.code).toBe("unauthorized");
  });
});
