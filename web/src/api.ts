import type { AppType } from "@guestcard/api/app";
import type { ErrorParams, FieldErrors } from "@guestcard/shared";
import { type ClientResponse, hc } from "hono/client";

/** The typed API: paths, bodies and answers all come from the server's routes (`AppType`). */
export type ApiClient = ReturnType<typeof hc<AppType>>;

/** Every request carries the raw initData, which the API verifies (docs/api.md, "Authentication"). */
export function createApiClient(rawInitData: string): ApiClient {
  return hc<AppType>(`${window.location.origin}/api`, {
    headers: { authorization: `tma ${rawInitData}` },
  });
}

/**
 * A request that did not succeed. `status` 0 means the server was never reached; `code` is the
 * error envelope's code, or "unexpected" when the answer was not one of ours (a proxy's 502 page).
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
    /** What screens show, by code (`error.fieldErrors`, `error.params`); `message` and `fields` are English. */
    readonly fieldErrors: FieldErrors = {},
    readonly params: ErrorParams = {},
  ) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

type SuccessBody<R> =
  R extends ClientResponse<infer Body, infer Status, "json">
    ? Status extends 200 | 201 | 202
      ? Body
      : never
    : never;

/** Awaits a typed request: its success body, or an ApiFailure built from the error envelope. */
export async function call<R extends ClientResponse<unknown, number, "json">>(
  request: Promise<R>,
): Promise<SuccessBody<R>> {
  let response: R;
  try {
    response = await request;
  } catch {
    throw new ApiFailure(0, "network", "The server could not be reached.");
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as SuccessBody<R>;
  // Loaded on the first failure only: the schema library is not needed to show a guest their card.
  const { parseErrorEnvelope } = await import("./error-envelope");
  const error = parseErrorEnvelope(body);
  if (!error) throw new ApiFailure(response.status, "unexpected", `HTTP ${response.status}`);
  throw new ApiFailure(
    response.status,
    error.code,
    error.message,
    error.fields,
    error.fieldErrors,
    error.params,
  );
}
