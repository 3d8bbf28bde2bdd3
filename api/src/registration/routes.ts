import { type RegistrationResponse, registrationRequestSchema } from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import { jsonBody } from "../http/validation";
import type { GuestVariables } from "../telegram/init-data-auth";
import { registerGuest } from "./registration";

/** `POST /api/registration` (CONTRACT.md). Authentication is applied where the API is assembled. */
export function registrationRoutes(deps: { db: Database }) {
  return new Hono<{ Variables: GuestVariables }>().post(
    "/",
    jsonBody(registrationRequestSchema),
    async (c) => {
      const account = await registerGuest(deps.db, c.get("launch").user, c.req.valid("json"));
      const body: RegistrationResponse = { account };
      return c.json(body, 201);
    },
  );
}
