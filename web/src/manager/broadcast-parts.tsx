import type { Broadcast, BroadcastSegment } from "@guestcard/shared";
import { useEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { Notice, Section } from "../components/layout";
import { formatDate, useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { type BroadcastPhase, broadcastPhase, isInProgress, progressShare } from "./broadcast-form";
import { failureText, type ManagerTexts } from "./manager-texts";

/** How often the progress screen asks for news while a broadcast is queued or sending. */
export const progressRefreshMs = 2000;

/**
 * The message as a guest's Telegram shows it: a bubble of plain text (line breaks kept, nothing
 * parsed), then the message's buttons: "Open the card" when chosen, and always "Unsubscribe".
 */
export function MessageBubble({
  text,
  openAppButton,
  texts,
}: {
  text: string;
  openAppButton: boolean;
  texts: ManagerTexts;
}) {
  const { locale } = useTexts();
  const time = new Date().toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  return (
    <div className="chat-preview" data-testid="message-preview">
      <div className="bubble-message">
        <div className="bubble">
          {text === "" ? (
            <span className="bubble-placeholder">{texts.previewEmpty}</span>
          ) : (
            <span className="bubble-text">{text}</span>
          )}
          <span className="bubble-time" aria-hidden="true">
            {time}
          </span>
        </div>
        <div className="bubble-buttons">
          {openAppButton && (
            <span className="bubble-button bubble-button-app" data-button="open-app">
              {texts.openAppButtonText}
            </span>
          )}
          <span className="bubble-button" data-button="unsubscribe">
            {texts.unsubscribeButtonText}
          </span>
        </div>
      </div>
    </div>
  );
}

const phaseLabels: Record<BroadcastPhase, keyof ManagerTexts> = {
  queued: "phaseQueued",
  sending: "phaseSending",
  done: "phaseDone",
  cancelled: "phaseCancelled",
};

export function phaseLabel(texts: ManagerTexts, broadcast: Broadcast): string {
  return texts[phaseLabels[broadcastPhase(broadcast)]] as string;
}

/** Who a broadcast went to, in a line: "Came through “Table tents”", "Not visited for 30 days or more". */
export function segmentSummary(
  texts: ManagerTexts,
  segment: BroadcastSegment,
  sourceNames: ReadonlyMap<string, string> = new Map(),
): string {
  switch (segment.kind) {
    case "all":
      return texts.segmentSummaryAll;
    case "source":
      return texts.segmentSummarySource(sourceNames.get(segment.code) ?? segment.code);
    case "inactive":
      return texts.segmentSummaryInactive(segment.days);
    case "birthday_month":
      return texts.segmentSummaryBirthdayMonth;
    case "tier":
      return texts.segmentSummaryTier(segment.name);
  }
}

/**
 * One broadcast as it goes out: recipients / sent / blocked / failed and a bar, asked again every
 * ~2 s while it is queued or sending and no more once it is done; Cancel asks first.
 */
export function BroadcastProgress({
  initial,
  texts,
  sourceNames,
}: {
  initial: Broadcast;
  texts: ManagerTexts;
  sourceNames?: ReadonlyMap<string, string>;
}) {
  const { api, request } = useSession();
  const guestTexts = useTexts();
  const [broadcast, setBroadcast] = useState(initial);
  const [failure, setFailure] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const confirmation = useRef<HTMLElement>(null);

  // Every answer sets a new broadcast, which schedules the next look while it is still in progress.
  useEffect(() => {
    if (!isInProgress(broadcast)) return;
    let stopped = false;
    const timer = setTimeout(async () => {
      try {
        const { broadcast: fresh } = await request(
          api.manager.broadcasts[":id"].$get({ param: { id: broadcast.id } }),
        );
        if (!stopped) {
          setFailure(null);
          setBroadcast(fresh as Broadcast);
        }
      } catch (error) {
        if (!(error instanceof ApiFailure)) throw error;
        // Keep the last figures and try again: a dropped connection should not end the watch.
        if (!stopped) {
          setFailure(failureText(texts, error));
          setBroadcast((current) => ({ ...current }));
        }
      }
    }, progressRefreshMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [broadcast, api, request, texts]);

  useEffect(() => {
    if (confirming) confirmation.current?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [confirming]);

  async function cancel() {
    setCancelling(true);
    try {
      const { broadcast: cancelled } = await request(
        api.manager.broadcasts[":id"].cancel.$post({ param: { id: broadcast.id } }),
      );
      setBroadcast(cancelled as Broadcast);
      setConfirming(false);
      haptic.success();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      setFailure(failureText(texts, error));
    } finally {
      setCancelling(false);
    }
  }

  const phase = broadcastPhase(broadcast);
  const share = progressShare(broadcast);
  const number = (value: number) => value.toLocaleString(guestTexts.locale);
  const figures: Array<[keyof ManagerTexts, number, string]> = [
    ["recipients", broadcast.recipients, "recipients"],
    ["sent", broadcast.sent, "sent"],
    ["blocked", broadcast.blocked, "blocked"],
    ["failedCount", broadcast.failed, "failed"],
  ];
  return (
    <>
      <Section
        header={texts.createdOn(formatDate(guestTexts, broadcast.createdAt))}
        footer={segmentSummary(texts, broadcast.segment, sourceNames)}
      >
        <div className="broadcast-progress" data-testid="broadcast-progress" data-phase={phase}>
          <div className="broadcast-phase">
            <strong>{phaseLabel(texts, broadcast)}</strong>
            <span>{new Intl.NumberFormat(guestTexts.locale, { style: "percent" }).format(share)}</span>
          </div>
          <div
            className="funnel-track"
            role="progressbar"
            aria-label={phaseLabel(texts, broadcast)}
            aria-valuemin={0}
            aria-valuemax={broadcast.recipients}
            aria-valuenow={broadcast.sent + broadcast.blocked + broadcast.failed}
          >
            <span className="funnel-bar" style={{ width: `${share * 100}%` }} />
          </div>
          <dl className="broadcast-figures">
            {figures.map(([label, value, key]) => (
              <div key={key} data-figure={key} data-count={value}>
                <dt>{texts[label] as string}</dt>
                <dd>{number(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      </Section>
      <p className="section-footer broadcast-blocked-hint">{texts.blockedHint}</p>
      <Section header={texts.preview}>
        <MessageBubble text={broadcast.text} openAppButton={broadcast.openAppButton} texts={texts} />
      </Section>
      {failure && <Notice tone="error">{failure}</Notice>}
      {isInProgress(broadcast) &&
        (confirming ? (
          <section ref={confirmation} className="confirm" aria-labelledby="cancel-title">
            <h2 id="cancel-title">{texts.cancelQuestion}</h2>
            <p>{texts.cancelText}</p>
            <button
              type="button"
              className="button button-destructive"
              disabled={cancelling}
              aria-busy={cancelling}
              onClick={() => void cancel()}
            >
              {cancelling ? <span className="spinner" /> : texts.cancelConfirm}
            </button>
            <button type="button" className="button button-plain" onClick={() => setConfirming(false)}>
              {texts.keepSending}
            </button>
          </section>
        ) : (
          <button
            type="button"
            className="button button-plain button-destructive-text"
            onClick={() => setConfirming(true)}
          >
            {texts.cancelBroadcast}
          </button>
        ))}
    </>
  );
}
