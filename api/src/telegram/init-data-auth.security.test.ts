import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { signInitData } from "../demo/launch-url";

const alice = guest(5001, "Alice");

/** Rewrites one field of a signed initData string, keeping the rest (and the now-wrong hash). */
function tamper(raw: string, field: string, value: string | null): string {
  const params = new URLSearchParams(raw);
  if (value === null) params.delete(field);
  else params.set(field, value);
  return params.toString();
}

describe("initData authentication (security)", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ INIT_DATA_MAX_AGE_SECONDS: "3600" });
  });
  afterAll(() => context.close());

  const me = (authorization?: string) =>
    context.app.request("/api/me", { headers: authorization === undefined ? {} : { authorization } });

  it("accepts initData signed with the bot token", async () => {
    const body = await expectStatus<{ user: { id: number } }>(
      await me(`tma ${context.initData(alice)}`),
      200,
    );
    expect(body.user.id).toBe(alice.id);
  });

  const now = Date.now();
  const valid = () => signInitData(alice, testBotToken);
  const attacks: [string, () => string | undefined][] = [
    ["no Authorization header", () => undefined],
    ["an empty header", () => ""],
    ["another scheme", () => `Bearer ${valid()}`],
    ["the scheme alone", () => "tma "],
    ["a lowercase-only garbage value", () => "tma hello"],
    [
      "a changed user id",
      () => `tma ${tamper(valid(), "user", JSON.stringify({ id: 6666, first_name: "Alice" }))}`,
    ],
    [
      "a changed auth_date",
      () => {
        const raw = valid();
        const signedAt = Number(new URLSearchParams(raw).get("auth_date"));
        return `tma ${tamper(raw, "auth_date", String(signedAt - 100))}`;
      },
    ],
    ["an added start_param", () => `tma ${tamper(valid(), "start_param", "evil")}`],
    ["a missing hash", () => `tma ${tamper(valid(), "hash", null)}`],
    ["a forged hash", () => `tma ${tamper(valid(), "hash", "0".repeat(64))}`],
    ["a hash that is not hex", () => `tma ${tamper(valid(), "hash", "not-a-hash")}`],
    ["a missing auth_date", () => `tma ${tamper(valid(), "auth_date", null)}`],
    [
      "another bot's token",
      () => `tma ${signInitData(alice, "987654321:ANOTHER-token-abcdefghijklmnopqrstuvw")}`,
    ],
    [
      "expired initData",
      () => `tma ${signInitData(alice, testBotToken, { authDate: new Date(now - 2 * 3600_000) })}`,
    ],
    [
      "an auth_date in the future",
      () => `tma ${signInitData(alice, testBotToken, { authDate: new Date(now + 3600_000) })}`,
    ],
    [
      "a user field that is not JSON",
      () => {
        // Properly signed, so only our own parsing stands between it and a 500.
        const params = new URLSearchParams(valid());
        params.set("user", "{not json");
        params.delete("hash");
        params.delete("signature");
        return `tma ${signedRaw(params)}`;
      },
    ],
    [
      "a user without an id",
      () => {
        const params = new URLSearchParams(valid());
        params.set("user", JSON.stringify({ first_name: "Nobody" }));
        params.delete("hash");
        params.delete("signature");
        return `tma ${signedRaw(params)}`;
      },
    ],
  ];

  it.each(attacks)("rejects %s with 401 and the error envelope", async (_name, header) => {
    const response = await me(header());
    const body = await expectStatus<{ error: { code: string; message: string } }>(response, 401);
    expect(body.error.code).toBe("unauthorized");
    expect(body.error.message).not.toMatch(/at .*\.ts:\d+/);
  });
});

/** Signs arbitrary initData fields with the test token, the way Telegram computes `hash`. */
function signedRaw(params: URLSearchParams): string {
  const check = [...params.entries()]
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join("\n");
  const secret = createHmac("sha256", "WebAppData").update(testBotToken).digest();
  params.set("hash", createHmac("sha256", secret).update(check).digest("hex"));
  return params.toString();
}
