import {
  type Broadcast,
  type BroadcastSegment,
  type BroadcastSegmentKind,
  broadcastSegmentSchema,
  type FieldErrors,
  inactiveDaysRange,
  issuesToFields,
} from "@guestcard/shared";

/*
 * The pure parts of the broadcast screens (docs/api.md, "Broadcasts"): the segment picker's form
 * turned into the shared schema's value, the text as it will be sent, and the figures said with the
 * right plural forms. No React here, so each is tested on its own (broadcast-form.test.ts).
 */

/** What the segment picker holds: every kind's own input, so switching kinds back keeps what was typed. */
export interface SegmentForm {
  kind: BroadcastSegmentKind;
  /** An acquisition source's code (`kind: "source"`). */
  sourceCode: string;
  /** Days without a visit, as typed (`kind: "inactive"`). */
  inactiveDays: string;
  /** A points tier's name (`kind: "tier"`). */
  tierName: string;
}

export const initialSegmentForm: SegmentForm = {
  kind: "all",
  sourceCode: "",
  inactiveDays: "30",
  tierName: "",
};

export type SegmentFormResult =
  | { ok: true; segment: BroadcastSegment }
  | { ok: false; fieldErrors: FieldErrors };

/**
 * The picker's form as the schema's segment, checked by the schema itself. Field errors are keyed
 * as the API keys them (`segment.days`), so a local and a server error land in the same place.
 */
export function segmentFromForm(form: SegmentForm): SegmentFormResult {
  // Only digits are days a manager typed ("1e3", "0x10", "2.5" and "" are not): said as the range.
  if (form.kind === "inactive" && !/^\d{1,9}$/.test(form.inactiveDays.trim())) {
    return {
      ok: false,
      fieldErrors: { "segment.days": { code: "out_of_range", params: inactiveDaysRange } },
    };
  }
  const candidate = (() => {
    switch (form.kind) {
      case "source":
        return { kind: form.kind, code: form.sourceCode };
      case "inactive":
        return { kind: form.kind, days: Number(form.inactiveDays.trim()) };
      case "tier":
        return { kind: form.kind, name: form.tierName };
      default:
        return { kind: form.kind };
    }
  })();
  const parsed = broadcastSegmentSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, segment: parsed.data };
  const fields = issuesToFields(parsed.error.issues);
  return {
    ok: false,
    fieldErrors: Object.fromEntries(
      Object.entries(fields).map(([field, error]) => [`segment.${field}`, error]),
    ),
  };
}

/** A stable key for a segment: the recipient count is fetched again only when it changes. */
export function segmentKey(segment: BroadcastSegment): string {
  return JSON.stringify(segment);
}

/**
 * The text exactly as the guests will get it: the shared rule normalises to NFC and trims
 * (shared/src/text-rules.ts), and its length limit counts what is left.
 */
export function messageText(typed: string): string {
  return typed.normalize("NFC").trim();
}

/**
 * A phrase about a count, in the plural form its language wants for it: `#` is the number, written
 * the locale's way ("1 000" in Russian). Russian needs one/few/many (1 гость, 2 гостя, 5 гостей,
 * 21 гость), which Intl.PluralRules knows; `zero` is for a sentence of its own ("nobody").
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export function pluralText(locale: string, count: number, forms: PluralForms): string {
  const form = count === 0 && forms.zero !== undefined ? "zero" : pluralRules(locale).select(count);
  return (forms[form] ?? forms.other).replaceAll("#", count.toLocaleString(locale));
}

const rulesByLocale = new Map<string, Intl.PluralRules>();
function pluralRules(locale: string): Intl.PluralRules {
  let rules = rulesByLocale.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    rulesByLocale.set(locale, rules);
  }
  return rules;
}

/** What share of the recipients has been dealt with (sent, blocked or failed), 0–1. */
export function progressShare(
  broadcast: Pick<Broadcast, "recipients" | "sent" | "blocked" | "failed">,
): number {
  if (broadcast.recipients === 0) return 1;
  return Math.min(1, (broadcast.sent + broadcast.blocked + broadcast.failed) / broadcast.recipients);
}

/** Queued or sending: the progress screen keeps asking for news. */
export function isInProgress(broadcast: Pick<Broadcast, "status">): boolean {
  return broadcast.status !== "done";
}

/** The phase a manager sees: the contract's status, with a cancelled broadcast told apart. */
export type BroadcastPhase = "queued" | "sending" | "done" | "cancelled";

export function broadcastPhase(broadcast: Pick<Broadcast, "status" | "cancelled">): BroadcastPhase {
  return broadcast.status === "done" && broadcast.cancelled ? "cancelled" : broadcast.status;
}
