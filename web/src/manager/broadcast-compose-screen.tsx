import {
  type Broadcast,
  type BroadcastSegment,
  type BroadcastSegmentKind,
  broadcastTextMaxLength,
  createBroadcastRequestSchema,
  type FieldErrors,
  inactiveDaysRange,
  issuesToFields,
  testBroadcastRequestSchema,
} from "@guestcard/shared";
import { useEffect, useRef, useState } from "react";
import { type ApiClient, ApiFailure } from "../api";
import { Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { fieldErrorTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import {
  initialSegmentForm,
  messageText,
  type SegmentForm,
  segmentFromForm,
  segmentKey,
} from "./broadcast-form";
import { BroadcastProgress, MessageBubble } from "./broadcast-parts";
import { failureText, type ManagerTexts, sourceDisplayName, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

/** How long the segment must stay put before its recipients are counted (typing "365" asks once). */
const countDelayMs = 400;

/** The fields the screen shows an error under; any other field error becomes a notice. */
const fieldsShown = new Set(["text", "segment.code", "segment.days", "segment.name"]);

const segmentLabels: Record<BroadcastSegmentKind, keyof ManagerTexts> = {
  all: "segmentAll",
  source: "segmentSource",
  inactive: "segmentInactive",
  birthday_month: "segmentBirthdayMonth",
  tier: "segmentTier",
};

type RecipientCount =
  | { state: "idle" }
  | { state: "counting" }
  | { state: "ready"; count: number }
  | { state: "failed"; failure: ApiFailure };

/**
 * A new broadcast: the text with a live preview shaped like the Telegram message guests will get,
 * the optional button that opens the card, who receives it with the count before sending, a test
 * to the manager's own chat, and a confirmation before the real send. Then its progress, live.
 */
export function ManagerBroadcastComposeScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const [typed, setTyped] = useState("");
  const [openAppButton, setOpenAppButton] = useState(false);
  const [segmentForm, setSegmentForm] = useState<SegmentForm>(initialSegmentForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState<"test" | "send" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [sent, setSent] = useState<Broadcast | null>(null);
  const confirmation = useRef<HTMLElement>(null);
  const { loaded: options } = useLoad(async () => {
    const [{ sources }, tiers] = await Promise.all([request(api.manager.sources.$get()), tierNames(api)]);
    return {
      sources: sources.map((source) => ({ code: source.code, name: sourceDisplayName(texts, source) })),
      tiers,
    };
  });

  const text = messageText(typed);
  const segment = segmentFromForm(segmentForm);
  const recipients = useRecipientCount(segment.ok ? segment.segment : null);

  useEffect(() => {
    if (confirming) confirmation.current?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [confirming]);

  /** Any change sends the manager back from the confirmation: it must ask about what is on screen. */
  const edit = (change: () => void) => {
    change();
    setConfirming(false);
    setNotice(null);
  };
  const editSegment = (change: Partial<SegmentForm>) => {
    edit(() => setSegmentForm((form) => ({ ...form, ...change })));
    setErrors(({ "segment.code": _, "segment.days": __, "segment.name": ___, ...rest }) => rest);
  };

  /** The server's (or the schema's) field errors under their fields; anything else as a notice. */
  const showFailure = (fieldErrors: FieldErrors, failure?: ApiFailure) => {
    haptic.error();
    const shown =
      Object.keys(fieldErrors).length > 0 && Object.keys(fieldErrors).every((f) => fieldsShown.has(f));
    if (shown) setErrors(fieldErrorTexts(texts.fieldErrors, fieldErrors));
    else if (failure) setNotice({ tone: "error", text: failureText(texts, failure) });
  };
  const handle = (error: unknown) => {
    if (!(error instanceof ApiFailure)) throw error;
    showFailure(error.fieldErrors, error);
  };

  async function sendTest() {
    setNotice(null);
    const parsed = testBroadcastRequestSchema.safeParse({ text: typed, openAppButton });
    if (!parsed.success) return showFailure(issuesToFields(parsed.error.issues));
    setErrors({});
    setBusy("test");
    try {
      await request(api.manager.broadcasts.test.$post({ json: parsed.data }));
      haptic.success();
      setNotice({ tone: "success", text: texts.testSent });
    } catch (error) {
      handle(error);
    } finally {
      setBusy(null);
    }
  }

  /** Checks everything first; the confirmation asks with the count the manager saw. */
  function review() {
    setNotice(null);
    const message = testBroadcastRequestSchema.safeParse({ text: typed, openAppButton });
    const problems = {
      ...(message.success ? {} : issuesToFields(message.error.issues)),
      ...(segment.ok ? {} : segment.fieldErrors),
    };
    if (Object.keys(problems).length > 0) return showFailure(problems);
    setErrors({});
    setConfirming(true);
  }

  async function send() {
    if (!segment.ok) return;
    const parsed = createBroadcastRequestSchema.safeParse({
      text: typed,
      openAppButton,
      segment: segment.segment,
    });
    if (!parsed.success) {
      setConfirming(false);
      return showFailure(issuesToFields(parsed.error.issues));
    }
    setBusy("send");
    try {
      const { broadcast } = await request(api.manager.broadcasts.$post({ json: parsed.data }));
      haptic.success();
      setSent(broadcast as Broadcast);
    } catch (error) {
      setConfirming(false);
      handle(error);
    } finally {
      setBusy(null);
    }
  }

  const count = recipients.state === "ready" ? recipients.count : null;
  useMainButton(
    sent || confirming
      ? null
      : { text: texts.reviewAndSend, onClick: review, enabled: count !== null && count > 0 },
  );

  if (sent) {
    const sourceNames = new Map(
      options.state === "ready" ? options.data.sources.map((source) => [source.code, source.name]) : [],
    );
    return (
      <Page title={texts.newBroadcast}>
        <BroadcastProgress initial={sent} texts={texts} sourceNames={sourceNames} />
      </Page>
    );
  }

  const sources = options.state === "ready" ? options.data.sources : [];
  const tiers = options.state === "ready" ? options.data.tiers : [];
  // One tier is everyone: the choice appears once the programme has two or more.
  const kinds: BroadcastSegmentKind[] = [
    "all",
    ...(sources.length > 0 ? (["source"] as const) : []),
    "inactive",
    "birthday_month",
    ...(tiers.length > 1 ? (["tier"] as const) : []),
  ];
  const over = text.length > broadcastTextMaxLength;
  // The picker's own mistakes show as soon as they are made (a count needs a valid segment).
  const shown = { ...(segment.ok ? {} : fieldErrorTexts(texts.fieldErrors, segment.fieldErrors)), ...errors };
  return (
    <Page title={texts.newBroadcast}>
      <Section header={texts.message} footer={texts.messageHint}>
        <label className="input-cell" data-invalid={errors.text ? "" : undefined}>
          <span className="visually-hidden">{texts.message}</span>
          <textarea
            name="text"
            className="message-input"
            value={typed}
            rows={6}
            placeholder={texts.messagePlaceholder}
            onChange={(event) => {
              const value = event.target.value;
              edit(() => setTyped(value));
              setErrors(({ text: _, ...rest }) => rest);
            }}
          />
          <span className="character-count" data-over={over ? "" : undefined} data-testid="character-count">
            {texts.characterCount(text.length, broadcastTextMaxLength)}
          </span>
          {errors.text && <span className="field-error">{errors.text}</span>}
        </label>
        <label className="cell switch-cell">
          <span className="cell-text">
            <span className="cell-title">{texts.openAppButton}</span>
          </span>
          <input
            type="checkbox"
            role="switch"
            aria-checked={openAppButton}
            name="openAppButton"
            checked={openAppButton}
            onChange={(event) => {
              const checked = event.target.checked;
              edit(() => setOpenAppButton(checked));
            }}
          />
        </label>
      </Section>

      <Section header={texts.preview}>
        <MessageBubble text={text} openAppButton={openAppButton} texts={texts} />
      </Section>

      <Section header={texts.audience} footer={texts.audienceHint}>
        {kinds.map((kind) => (
          <label key={kind} className="cell radio-cell">
            <input
              type="radio"
              name="segment"
              value={kind}
              checked={segmentForm.kind === kind}
              onChange={() =>
                editSegment({
                  kind,
                  // A list choice starts on its first option, so the count shows at once.
                  ...(kind === "source" && segmentForm.sourceCode === ""
                    ? { sourceCode: sources[0]?.code ?? "" }
                    : {}),
                  ...(kind === "tier" && segmentForm.tierName === "" ? { tierName: tiers[0] ?? "" } : {}),
                })
              }
            />
            <span className="cell-text">
              <span className="cell-title">{texts[segmentLabels[kind]] as string}</span>
            </span>
          </label>
        ))}
        {segmentForm.kind === "source" && (
          <label className="input-cell" data-invalid={shown["segment.code"] ? "" : undefined}>
            <span className="input-label">{texts.sourceLabel}</span>
            <select
              name="source"
              value={segmentForm.sourceCode}
              onChange={(event) => editSegment({ sourceCode: event.target.value })}
            >
              {sources.map((source) => (
                <option key={source.code} value={source.code}>
                  {source.name}
                </option>
              ))}
            </select>
            {shown["segment.code"] && <span className="field-error">{shown["segment.code"]}</span>}
          </label>
        )}
        {segmentForm.kind === "inactive" && (
          <label className="input-cell" data-invalid={shown["segment.days"] ? "" : undefined}>
            <span className="input-label">{texts.inactiveDaysLabel}</span>
            <input
              name="days"
              type="number"
              inputMode="numeric"
              min={inactiveDaysRange.min}
              max={inactiveDaysRange.max}
              step={1}
              value={segmentForm.inactiveDays}
              onChange={(event) => editSegment({ inactiveDays: event.target.value })}
            />
            {shown["segment.days"] && <span className="field-error">{shown["segment.days"]}</span>}
          </label>
        )}
        {segmentForm.kind === "tier" && (
          <label className="input-cell" data-invalid={shown["segment.name"] ? "" : undefined}>
            <span className="input-label">{texts.tierLabel}</span>
            <select
              name="tier"
              value={segmentForm.tierName}
              onChange={(event) => editSegment({ tierName: event.target.value })}
            >
              {tiers.map((tier) => (
                <option key={tier} value={tier}>
                  {tier}
                </option>
              ))}
            </select>
            {shown["segment.name"] && <span className="field-error">{shown["segment.name"]}</span>}
          </label>
        )}
      </Section>

      <RecipientLine recipients={recipients} segmentError={segment.ok ? null : segment} texts={texts} />

      <button
        type="button"
        className="button button-plain"
        disabled={busy !== null}
        aria-busy={busy === "test"}
        onClick={() => void sendTest()}
      >
        {busy === "test" ? <span className="spinner" /> : texts.sendTest}
      </button>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}

      {confirming && count !== null && (
        <section ref={confirmation} className="confirm confirm-send" aria-labelledby="send-title">
          <h2 id="send-title">{texts.sendQuestion(count)}</h2>
          <p>{texts.sendText}</p>
          <button
            type="button"
            className="button"
            disabled={busy !== null}
            aria-busy={busy === "send"}
            onClick={() => void send()}
          >
            {busy === "send" ? <span className="spinner" /> : texts.sendConfirm(count)}
          </button>
          <button type="button" className="button button-plain" onClick={() => setConfirming(false)}>
            {texts.backToEditing}
          </button>
        </section>
      )}
    </Page>
  );
}

function RecipientLine({
  recipients,
  segmentError,
  texts,
}: {
  recipients: RecipientCount;
  segmentError: { fieldErrors: FieldErrors } | null;
  texts: ManagerTexts;
}) {
  if (segmentError) return null;
  if (recipients.state === "failed")
    return <Notice tone="error">{failureText(texts, recipients.failure)}</Notice>;
  const counted = recipients.state === "ready";
  return (
    <p
      className="recipient-count"
      role="status"
      aria-busy={!counted}
      data-testid="recipient-count"
      data-count={counted ? recipients.count : undefined}
    >
      {counted ? texts.willReceive(recipients.count) : texts.counting}
    </p>
  );
}

/** How many guests a segment reaches now, asked once the picker has been still for a moment. */
function useRecipientCount(segment: BroadcastSegment | null): RecipientCount {
  const { api, request } = useSession();
  const [count, setCount] = useState<RecipientCount>({ state: "idle" });
  const key = segment ? segmentKey(segment) : null;
  const latest = useRef(segment);
  latest.current = segment;
  useEffect(() => {
    const asked = latest.current;
    if (key === null || asked === null) {
      setCount({ state: "idle" });
      return;
    }
    setCount({ state: "counting" });
    let current = true;
    const timer = setTimeout(() => {
      request(api.manager.broadcasts.preview.$post({ json: { segment: asked } })).then(
        ({ recipients }) => {
          if (current) setCount({ state: "ready", count: recipients });
        },
        (error: unknown) => {
          if (!(error instanceof ApiFailure)) throw error;
          if (current) setCount({ state: "failed", failure: error });
        },
      );
    }, countDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, api, request]);
  return count;
}

/**
 * The programme's tier names, for the tier choice. Tiers are the points programme's
 * (`GET /api/manager/loyalty/programme`); while that route is missing or fails, the choice is hidden.
 * The typed client knows the route only once it exists, so this one call goes through the client's
 * untyped path.
 */
async function tierNames(api: ApiClient): Promise<string[]> {
  type ProgrammeRoute = { loyalty: { programme: { $get(): Promise<Response> } } };
  try {
    const response = await (api.manager as unknown as ProgrammeRoute).loyalty.programme.$get();
    if (!response.ok) return [];
    const body = (await response.json()) as { tiers?: Array<{ name?: unknown }> };
    return (body.tiers ?? [])
      .map((tier) => tier.name)
      .filter((name): name is string => typeof name === "string" && name !== "");
  } catch {
    return [];
  }
}
