import {
  type RegistrationResponse,
  registrationRequestSchema,
  registrationResponseSchema,
} from "@guestcard/shared";
import type { Database } from "../db/client";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse } from "../http/route-schema";
import { registerGuest } from "./registration";

/** `POST /api/registration` (docs/api.md). */
export function registrationRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database }) {
  const register = group.route({
    method: "post",
    path: "/",
    summary: "Register the guest's loyalty account",
    description:
      "The phone is never read from the body: it is the one the guest shared with the bot. Optional fields may be omitted, null or empty.",
    request: { body: jsonRequestBody(registrationRequestSchema) },
    responses: { 201: jsonResponse("The new account", registrationResponseSchema) },
    errors: ["phone_required", "phone_conflict", "already_registered"],
  });
  return group.routes().openapi(register, async (c) => {
    const account = await registerGuest(deps.db, c.get("launch").user, c.req.valid("json"));
    const body: RegistrationResponse = { account };
    return c.json(body, 201);
  });
}
