import * as z from "zod/mini";
import { accountSchema, telegramUserSchema } from "./me";

export const consentKinds = ["personal_data", "marketing"] as const;
export type ConsentKind = (typeof consentKinds)[number];

/**
 * One entry of a guest's consent history: a grant or a withdrawal, with its time and the version
 * (and language) of the text the guest saw. The latest entry of a kind is the one in force.
 */
export const consentRecordSchema = z.object({
  kind: z.enum(consentKinds),
  granted: z.boolean(),
  textVersion: z.string(),
  recordedAt: z.string(),
});
export type ConsentRecord = z.infer<typeof consentRecordSchema>;

/**
 * `GET /api/my-data`: everything Guestcard stores about the guest, for them to read and keep.
 * Cards are summarised (a count): their codes are short-lived secrets of no use afterwards.
 */
export const myDataResponseSchema = z.object({
  exportedAt: z.string(),
  telegram: z.object({
    ...telegramUserSchema.shape,
    phone: z.nullable(z.string()),
    phoneVerifiedAt: z.nullable(z.string()),
    firstSeenAt: z.string(),
  }),
  account: z.nullable(z.object({ ...accountSchema.shape, createdAt: z.string() })),
  consents: z.array(consentRecordSchema),
  reviews: z.array(
    z.object({ id: z.string(), text: z.string(), rating: z.nullable(z.number()), createdAt: z.string() }),
  ),
  cardsIssued: z.number(),
});
export type MyDataResponse = z.infer<typeof myDataResponseSchema>;

/** `DELETE /api/my-data/consents/marketing` answers with the consent history after the withdrawal. */
export const consentHistoryResponseSchema = z.object({ consents: z.array(consentRecordSchema) });
export type ConsentHistoryResponse = z.infer<typeof consentHistoryResponseSchema>;

/** `DELETE /api/my-data`: the account and everything linked to it is gone. */
export const myDataDeletedResponseSchema = z.object({ deleted: z.literal(true) });
export type MyDataDeletedResponse = z.infer<typeof myDataDeletedResponseSchema>;
