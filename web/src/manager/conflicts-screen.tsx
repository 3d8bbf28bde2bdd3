import {
  conflictStartParamPattern,
  type PhoneConflict,
  phoneConflictDecisionRequestSchema,
} from "@guestcard/shared";
import { useState } from "react";
import { ApiFailure } from "../api";
import { Cell, Field, Loading, Notice, Page, Section } from "../components/layout";
import { formatDate, formatPhone, useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { useGuestRecordTexts } from "./guest-records-texts";
import { guestName } from "./guests-screen";
import { openConflict, openedConflict, openGuest } from "./manager-state";
import { failureText, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

const personName = (person: { firstName: string; lastName: string | null; username: string | null }) =>
  [person.firstName, person.lastName].filter(Boolean).join(" ") +
  (person.username ? ` · @${person.username}` : "");

/** The open phone conflicts, newest first; a tap opens one to decide. */
export function ManagerConflictsScreen() {
  const { api, request } = useSession();
  const texts = useGuestRecordTexts();
  const managerTexts = useManagerTexts();
  const guestTexts = useTexts();
  const { navigate } = useNavigation();
  const { loaded } = useLoad(async () =>
    request(api.manager["phone-conflicts"].$get({ query: { status: "open" } })),
  );
  return (
    <Page title={texts.conflicts}>
      {loaded.state === "loading" && <Loading />}
      {loaded.state === "failed" && <Notice tone="error">{failureText(managerTexts, loaded.failure)}</Notice>}
      {loaded.state === "ready" && loaded.data.conflicts.length === 0 && <Notice>{texts.noConflicts}</Notice>}
      {loaded.state === "ready" && loaded.data.conflicts.length > 0 && (
        <Section>
          {loaded.data.conflicts.map((conflict) => (
            <Cell
              key={conflict.id}
              title={formatPhone(conflict.phone)}
              hint={`${personName(conflict.claimant)} · ${formatDate(guestTexts, conflict.createdAt)}`}
              onClick={() => {
                openConflict(conflict.id);
                navigate("manager-conflict");
              }}
            />
          ))}
        </Section>
      )}
    </Page>
  );
}

/**
 * One conflict: who holds the card, who shared the number, and the decision — move the card or
 * leave it — with a required reason and a confirmation. Opened from the list, or straight from the
 * alert in the managers' chat (`startapp=conflict-<id>`).
 */
export function ManagerConflictScreen() {
  const { api, request, launch } = useSession();
  // Chosen from the list, or named by the alert's link that opened the app.
  const fromLink = launch.startParam ? conflictStartParamPattern.exec(launch.startParam) : null;
  const id = openedConflict() ?? (fromLink ? Number(fromLink[1]) : null);
  const texts = useGuestRecordTexts();
  const managerTexts = useManagerTexts();
  const { loaded, setData } = useLoad(async () => {
    if (id === null) throw new Error("the conflict screen opened with no conflict chosen");
    const { conflicts } = await request(api.manager["phone-conflicts"].$get({ query: { status: "all" } }));
    return conflicts.find((conflict) => conflict.id === id) ?? null;
  }, String(id));
  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "failed" || loaded.data === null)
    return (
      <Page title={texts.conflict}>
        <Notice tone="error">
          {loaded.state === "failed" ? failureText(managerTexts, loaded.failure) : texts.conflictNotFound}
        </Notice>
      </Page>
    );
  return <ConflictView conflict={loaded.data} onDecided={setData} />;
}

function ConflictView({
  conflict,
  onDecided,
}: {
  conflict: PhoneConflict;
  onDecided: (conflict: PhoneConflict) => void;
}) {
  const { api, request } = useSession();
  const texts = useGuestRecordTexts();
  const managerTexts = useManagerTexts();
  const guestTexts = useTexts();
  const { navigate } = useNavigation();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<"resolve" | "dismiss" | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const date = (value: string) => formatDate(guestTexts, value);

  function ask(action: "resolve" | "dismiss") {
    const parsed = phoneConflictDecisionRequestSchema.safeParse({ reason });
    if (!parsed.success) {
      setReasonError(texts.reasonRequired);
      haptic.error();
      return;
    }
    setReasonError(null);
    setConfirming(action);
  }

  async function decide(action: "resolve" | "dismiss") {
    setBusy(true);
    setFailure(null);
    try {
      const route = api.manager["phone-conflicts"][":id"][action];
      const decided = await request(route.$post({ param: { id: String(conflict.id) }, json: { reason } }));
      haptic.success();
      onDecided(decided.conflict);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      setFailure(error.code === "conflict" ? texts.alreadyDecided : failureText(managerTexts, error));
      setConfirming(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={texts.conflict} intro={conflict.status === "open" ? texts.conflictIntro : undefined}>
      <Section>
        <Field label={texts.phone} value={formatPhone(conflict.phone)} />
        <Field
          label={texts.holder}
          value={conflict.holder ? personName(conflict.holder) : texts.holderGone}
        />
        <Field label={texts.claimant} value={personName(conflict.claimant)} />
        <Field label={texts.sharedAt} value={date(conflict.createdAt)} />
        {conflict.account && (
          <button
            type="button"
            className="cell cell-action"
            onClick={() => {
              if (!conflict.account) return;
              openGuest(conflict.account.accountId);
              navigate("manager-guest");
            }}
          >
            {`${texts.openRecord}: ${guestName(conflict.account)}`}
          </button>
        )}
      </Section>

      {conflict.status !== "open" && conflict.decidedAt && (
        <Section header={texts.reason}>
          <Notice tone="success">
            {conflict.status === "resolved"
              ? texts.statusResolved(date(conflict.decidedAt))
              : texts.statusDismissed(date(conflict.decidedAt))}
          </Notice>
          <p className="cell record-review-text">{conflict.reason}</p>
        </Section>
      )}

      {conflict.status === "open" && (
        <>
          <Section footer={texts.reasonHint}>
            <label className="input-cell reason-cell" data-invalid={reasonError ? "" : undefined}>
              <span className="input-label">{texts.reason}</span>
              <textarea
                name="reason"
                rows={3}
                maxLength={500}
                value={reason}
                disabled={busy}
                onChange={(event) => setReason(event.target.value)}
              />
              {reasonError && <span className="field-error">{reasonError}</span>}
            </label>
          </Section>
          {confirming ? (
            <section className="confirm" aria-live="polite">
              <p>{confirming === "resolve" ? texts.resolveConfirm : texts.dismissConfirm}</p>
              <button
                type="button"
                className="button"
                disabled={busy}
                aria-busy={busy}
                onClick={() => void decide(confirming)}
              >
                {busy ? <span className="spinner" /> : texts.confirm}
              </button>
              <button
                type="button"
                className="button button-plain"
                disabled={busy}
                onClick={() => setConfirming(null)}
              >
                {texts.cancel}
              </button>
            </section>
          ) : (
            <div className="conflict-actions">
              <button type="button" className="button" onClick={() => ask("resolve")}>
                {texts.resolve}
              </button>
              <button type="button" className="button button-plain" onClick={() => ask("dismiss")}>
                {texts.dismiss}
              </button>
            </div>
          )}
        </>
      )}
      {failure && <Notice tone="error">{failure}</Notice>}
    </Page>
  );
}
