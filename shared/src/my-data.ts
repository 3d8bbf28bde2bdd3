import * as z from "zod/mini";
import { downloadLinkSchema } from "./downloads";
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
 * A consent as a guest (or a manager) reads it, from the history: never given, given on a date, or
 * withdrawn on a date. Three states, because "no" and "not yet asked" are different answers.
 */
export const consentStates = ["never", "given", "withdrawn"] as const;
export const consentStateSchema = z.object({
  state: z.enum(consentStates),
  /** When the entry in force was recorded; null for `never`. */
  at: z.nullable(z.string()),
});
export type ConsentState = z.infer<typeof consentStateSchema>;

/**
 * The state of one kind of consent: its latest entry decides (the history is in recording order).
 * A "no" with no grant before it (the offers box left unticked at registration) is `never`: nothing
 * was withdrawn, because nothing was given.
 */
export function consentStateOf(history: readonly ConsentRecord[], kind: ConsentKind): ConsentState {
  const entries = history.filter((record) => record.kind === kind);
  const latest = entries.at(-1);
  if (latest?.granted) return { state: "given", at: latest.recordedAt };
  if (latest && entries.some((record) => record.granted))
    return { state: "withdrawn", at: latest.recordedAt };
  return { state: "never", at: null };
}

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
  /** Each consent as it stands now (from `consents`): never given, given or withdrawn, with the date. */
  consentStates: z.object({ personalData: consentStateSchema, marketing: consentStateSchema }),
  reviews: z.array(
    z.object({ id: z.string(), text: z.string(), rating: z.nullable(z.number()), createdAt: z.string() }),
  ),
  cardsIssued: z.number(),
});
export type MyDataResponse = z.infer<typeof myDataResponseSchema>;

/** `DELETE /api/my-data/consents/marketing` answers with the consent history after the withdrawal. */
export const consentHistoryResponseSchema = z.object({ consents: z.array(consentRecordSchema) });
export type ConsentHistoryResponse = z.infer<typeof consentHistoryResponseSchema>;

/**
 * `DELETE /api/my-data`: the account and everything linked to it is gone. `account`: whether there was
 * one to delete; `reviews`: how many of the guest's reviews went with it.
 */
export const myDataDeletedResponseSchema = z.object({
  deleted: z.literal(true),
  account: z.boolean(),
  reviews: z.number(),
});
export type MyDataDeletedResponse = z.infer<typeof myDataDeletedResponseSchema>;

/** `POST /api/my-data/export` → 201: a short-lived link (`/downloads/my-data/<token>`) to the guest's data. */
export const myDataExportResponseSchema = downloadLinkSchema;
export type MyDataExportResponse = z.infer<typeof myDataExportResponseSchema>;
