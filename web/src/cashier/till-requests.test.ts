import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { closeBill, refundBill } from "./till-requests";

const request = { identificationId: "id-1", checkId: "A-1", total: 125_050, redeem: 200 };

/** The page's fetch, answering each call with the next of `answers` (a Response, or a thrown failure). */
function tillServer(...answers: (Response | Error)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const answer = answers.shift();
      if (!answer || answer instanceof Error) throw answer ?? new Error("no answer scripted");
      return answer;
    }),
  );
  return calls;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("the till's points calls", () => {
  beforeEach(() => {
    vi.stubGlobal("window", { location: { origin: "http://till.example" } });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("sends the confirmation's key and the bill, and returns the answer", async () => {
    const calls = tillServer(json(201, { purchase: { id: "p-1" }, balance: 352 }));
    await expect(closeBill("secret", request, "key-1")).resolves.toEqual({
      kind: "ok",
      body: { purchase: { id: "p-1" }, balance: 352 },
    });
    expect(calls[0]?.url).toBe("http://till.example/api/pos/purchases");
    expect(calls[0]?.init.headers).toMatchObject({
      authorization: "Bearer secret",
      "idempotency-key": "key-1",
    });
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(request);
  });

  it("treats a network failure, a timeout and a 5xx as no answer: the page keeps the key and may retry", async () => {
    tillServer(
      new TypeError("Failed to fetch"),
      new DOMException("The operation timed out.", "TimeoutError"),
      json(502, { error: { code: "unavailable", message: "Bad gateway" } }),
      new Response("<html>proxy error</html>", { status: 504 }),
    );
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await expect(closeBill("secret", request, "key-1")).resolves.toEqual({ kind: "no_answer" });
    }
  });

  it("treats an answer the server decided as final: the code and field errors, for a new confirmation", async () => {
    tillServer(
      json(409, { error: { code: "insufficient_points", message: "…" } }),
      json(422, {
        error: {
          code: "validation_failed",
          message: "…",
          fields: { redeem: "over" },
          fieldErrors: { redeem: { code: "out_of_range", params: { max: 375 } } },
        },
      }),
      json(404, { error: { code: "purchase_not_found", message: "…" } }),
    );
    await expect(closeBill("secret", request, "key-1")).resolves.toEqual({
      kind: "refused",
      status: 409,
      code: "insufficient_points",
      fieldErrors: {},
    });
    await expect(closeBill("secret", request, "key-2")).resolves.toMatchObject({
      kind: "refused",
      code: "validation_failed",
      fieldErrors: { redeem: { code: "out_of_range" } },
    });
    await expect(refundBill("secret", "p-1", "key-3")).resolves.toMatchObject({
      kind: "refused",
      code: "purchase_not_found",
    });
  });

  it("tells the page when the till's key stopped working", async () => {
    tillServer(json(401, { error: { code: "unauthorized", message: "…" } }));
    await expect(refundBill("secret", "p/1", "key-1")).resolves.toEqual({ kind: "key_rejected" });
  });
});
