import * as z from "zod/mini";
import { guestStatuses } from "./me";

/**
 * `POST /api/demo/share-phone` (demo mode only): plays the bot's part of sharing the phone.
 * Without `phone`, the server picks the demo guest's own number.
 */
export const demoSharePhoneRequestSchema = z.object({
  phone: z.optional(z.string().check(z.maxLength(40))),
});
export type DemoSharePhoneRequest = z.infer<typeof demoSharePhoneRequestSchema>;

export const demoSharePhoneResponseSchema = z.object({
  /** What sharing this phone did, as the bot's contact handler would have. */
  outcome: z.enum(["linked", "needs_registration", "phone_conflict", "already_registered"]),
  status: z.enum(guestStatuses),
});
export type DemoSharePhoneResponse = z.infer<typeof demoSharePhoneResponseSchema>;
