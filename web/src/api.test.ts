import type { ClientResponse } from "hono/client";
import { describe, expect, it } from "vitest";
import { ApiFailure, call } from "./api";

type Answer = Promise<ClientResponse<{ ok: true }, 200, "json">>;

const answer = (status: number, body: unknown, contentType = "application/json"): Answer =>
  Promise.resolve(
    new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status,
      headers: { "content-type": contentType },
    }),
  ) as unknown as Answer;

async function failureOf(request: Answer): Promise<ApiFailure> {
  try {
    await call(request);
  } catch (error) {
    if (error instanceof ApiFailure) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("call", () => {
  it("returns the body of a successful answer", async () => {
    await expect(call(answer(200, { ok: true }))).resolves.toEqual({ ok: true });
  });

  it("turns the error envelope into an ApiFailure with its code and field errors", async () => {
    const failure = await failureOf(
      answer(422, {
        error: { code: "validation_failed", message: "Some fields are not valid.", fields: { email: "x" } },
      }),
    );
    expect(failure).toMatchObject({
      status: 422,
      code: "validation_failed",
      fields: { email: "x" },
      isNetwork: false,
    });
  });

  it("keeps the 401 recognisable, for the app-wide 'reopen the app' screen", async () => {
    const failure = await failureOf(answer(401, { error: { code: "unauthorized", message: "reopen" } }));
    expect(failure).toMatchObject({ status: 401, code: "unauthorized", fields: {} });
  });

  it.each([
    ["a proxy's HTML error page", answer(502, "<html>Bad gateway</html>", "text/html")],
    ["JSON that is not our envelope", answer(500, { error: "boom" })],
  ])("calls %s 'unexpected'", async (_name, request) => {
    expect(await failureOf(request)).toMatchObject({ code: "unexpected" });
  });

  it("reports an unreachable server as a network failure (status 0)", async () => {
    const failure = await failureOf(Promise.reject(new TypeError("Failed to fetch")));
    expect(failure).toMatchObject({ status: 0, code: "network", isNetwork: true });
  });
});
