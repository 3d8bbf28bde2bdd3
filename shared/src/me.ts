import * as z from "zod/mini";

export const guestStatuses = ["needs_phone", "needs_registration", "registered", "phone_conflict"] as const;
export type GuestStatus = (typeof guestStatuses)[number];

export const genders = ["male", "female"] as const;
export type Gender = (typeof genders)[number];

/** The Telegram user as the Mini App's initData describes them. */
export const telegramUserSchema = z.object({
  id: z.number(),
  firstName: z.string(),
  lastName: z.nullable(z.string()),
  username: z.nullable(z.string()),
  languageCode: z.nullable(z.string()),
});
export type TelegramUser = z.infer<typeof telegramUserSchema>;

export const accountSchema = z.object({
  id: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  middleName: z.nullable(z.string()),
  gender: z.nullable(z.enum(genders)),
  birthday: z.nullable(z.string()),
  phone: z.string(),
  email: z.nullable(z.string()),
});
export type Account = z.infer<typeof accountSchema>;

export const meResponseSchema = z.object({
  status: z.enum(guestStatuses),
  user: telegramUserSchema,
  phone: z.nullable(z.string()),
  account: z.nullable(accountSchema),
  isManager: z.boolean(),
  demo: z.boolean(),
  /**
   * A registered guest whose personal-data consent is not in force: a known guest from the
   * restaurant's base never gave it to us. The Mini App asks for it before anything else.
   */
  consentRequired: z.boolean(),
  /** The restaurant's name (a manager setting, `RESTAURANT_NAME` until one is saved): the card's brand. */
  restaurantName: z.string(),
  /**
   * The guest's latest review has a manager's reply they have not marked read: home then asks
   * `GET /api/reviews/answer` for it. Read with the rest, so no guest pays a request to learn "none".
   */
  reviewAnswerUnread: z.boolean(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;
