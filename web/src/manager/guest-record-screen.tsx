import { type GuestRecord, pointsAdjustmentRequestSchema } from "@guestcard/shared";
import { useState } from "react";
import { ApiFailure } from "../api";
import { Field, Loading, Notice, Page, Section } from "../components/layout";
import { formatDate, formatPhone, useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { useGuestRecordTexts } from "./guest-records-texts";
import { guestName } from "./guests-screen";
import { openedGuest } from "./manager-state";
import { failureText, sourceDisplayName, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

/** One guest's record: who, since when, from where, consents, visits, reviews with the answers. */
export function ManagerGuestScreen() {
  const { api, request } = useSession();
  const accountId = openedGuest();
  const { loaded } = useLoad(async () => {
    if (!accountId) throw new Error("the guest screen opened with no guest chosen");
    return (await request(api.manager.guests[":accountId"].$get({ param: { accountId } }))).guest;
  }, accountId ?? "");
  const texts = useGuestRecordTexts();
  const managerTexts = useManagerTexts();
  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "failed")
    return (
      <Page title={texts.record}>
        <Notice tone="error">{failureText(managerTexts, loaded.failure)}</Notice>
      </Page>
    );
  return <GuestRecordView guest={loaded.data} />;
}

function GuestRecordView({ guest }: { guest: GuestRecord }) {
  const texts = useGuestRecordTexts();
  const managerTexts = useManagerTexts();
  const guestTexts = useTexts();
  const { navigate } = useNavigation();
  const date = (value: string) => formatDate(guestTexts, value);
  const dateTime = (value: string) =>
    new Date(value).toLocaleString(guestTexts.locale, { dateStyle: "long", timeStyle: "short" });
  const orNot = (value: string | null) => value ?? <span className="muted">{texts.notGiven}</span>;
  const telegram = guest.telegram;
  return (
    <Page title={guestName(guest)}>
      {guest.openConflicts > 0 && (
        <Section>
          <button type="button" className="cell cell-action" onClick={() => navigate("manager-conflicts")}>
            {texts.openConflictsHere(guest.openConflicts)}
          </button>
        </Section>
      )}
      <Section header={texts.profile}>
        <Field label={texts.phone} value={<a href={`tel:${guest.phone}`}>{formatPhone(guest.phone)}</a>} />
        <Field label={texts.birthday} value={orNot(guest.birthday && date(guest.birthday))} />
        <Field label={texts.email} value={orNot(guest.email)} />
        <Field label={texts.registeredAt} value={date(guest.registeredAt)} />
        <Field
          label={texts.origin}
          value={guest.origin === "import" ? texts.originImport : texts.originRegistration}
        />
        <Field
          label={texts.source}
          value={guest.source ? sourceDisplayName(managerTexts, guest.source) : texts.noSource}
        />
        <Field
          label={texts.telegram}
          value={
            telegram ? (
              [telegram.firstName, telegram.lastName].filter(Boolean).join(" ") +
              (telegram.username ? ` · @${telegram.username}` : "")
            ) : (
              <span className="muted">{texts.telegramNone}</span>
            )
          }
        />
      </Section>

      <Section header={texts.consents}>
        <Field label={texts.personalData} value={texts.consentState(guest.consents.personalData, date)} />
        <Field label={texts.marketing} value={texts.consentState(guest.consents.marketing, date)} />
      </Section>

      <Section header={texts.activity}>
        <Field
          label={texts.lastVisit}
          value={guest.lastVisitAt ? dateTime(guest.lastVisitAt) : texts.never}
        />
        <Field label={texts.cardsIssued} value={String(guest.cardsIssued)} />
      </Section>

      <GuestPoints accountId={guest.accountId} />

      <Section header={texts.reviews}>
        {guest.reviews.length === 0 && <p className="cell muted">{texts.noReviews}</p>}
        {guest.reviews.map((review) => (
          <article key={review.id} className="cell record-review">
            <span className="cell-text">
              <span className="cell-hint">
                {review.rating !== null && <span aria-hidden="true">{texts.stars(review.rating)} </span>}
                {dateTime(review.createdAt)}
              </span>
              <span className="cell-title record-review-text">{review.text}</span>
              {review.replies.map((reply) => (
                <span key={`${reply.createdAt}:${reply.text}`} className="record-reply">
                  <b>{reply.author === "manager" ? texts.replyFromRestaurant : texts.replyFromGuest}:</b>{" "}
                  {reply.text}
                </span>
              ))}
            </span>
          </article>
        ))}
      </Section>
    </Page>
  );
}

/**
 * The guest's points (the points routes, docs/api.md): balance, tier, the latest movements, and a
 * manager's hand adjustment with a required reason.
 */
function GuestPoints({ accountId }: { accountId: string }) {
  const { api, request } = useSession();
  const texts = useGuestRecordTexts();
  const managerTexts = useManagerTexts();
  const guestTexts = useTexts();
  const route = api.manager.guests[":accountId"];
  const { loaded, reload } = useLoad(
    () => request(route.loyalty.$get({ param: { accountId }, query: {} })),
    accountId,
  );
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function adjust() {
    const parsed = pointsAdjustmentRequestSchema.safeParse({
      points: Number(points.trim() || Number.NaN),
      reason,
    });
    if (!parsed.success) {
      setStatus({ tone: "error", text: texts.adjustInvalid });
      haptic.error();
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const { balance } = await request(route.points.$post({ param: { accountId }, json: parsed.data }));
      setStatus({ tone: "success", text: texts.adjusted(balance) });
      setPoints("");
      setReason("");
      haptic.success();
      await reload();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      setStatus({ tone: "error", text: failureText(managerTexts, error) });
    } finally {
      setBusy(false);
    }
  }

  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "failed")
    return (
      <Section header={texts.points}>
        <Notice tone="error">{failureText(managerTexts, loaded.failure)}</Notice>
      </Section>
    );
  const loyalty = loaded.data;
  return (
    <>
      <Section header={texts.points}>
        <Field label={texts.balance} value={<span data-testid="points-balance">{loyalty.balance}</span>} />
        <Field label={texts.tierLabel} value={texts.tier(loyalty.tier.name, loyalty.tier.earnPercent)} />
        {loyalty.history.length === 0 && <p className="cell muted">{texts.noMovements}</p>}
        {loyalty.history.slice(0, 10).map((movement) => (
          <Field
            key={`${movement.at}:${movement.kind}:${movement.points}:${movement.balanceAfter}`}
            label={`${formatDate(guestTexts, movement.at)} · ${texts.movementKinds[movement.kind]}`}
            value={`${movement.points > 0 ? "+" : ""}${movement.points} → ${movement.balanceAfter}`}
          />
        ))}
      </Section>
      <Section header={texts.adjust} footer={texts.adjustPointsHint}>
        <label className="input-cell">
          <span className="input-label">{texts.adjustPoints}</span>
          <input
            name="points"
            inputMode="numeric"
            value={points}
            disabled={busy}
            onChange={(event) => setPoints(event.target.value)}
          />
        </label>
        <label className="input-cell reason-cell">
          <span className="input-label">{texts.reason}</span>
          <textarea
            name="adjust-reason"
            rows={2}
            maxLength={500}
            value={reason}
            disabled={busy}
            onChange={(event) => setReason(event.target.value)}
          />
        </label>
        <button type="button" className="cell cell-action" disabled={busy} onClick={() => void adjust()}>
          {texts.adjust}
        </button>
      </Section>
      {status && <Notice tone={status.tone}>{status.text}</Notice>}
    </>
  );
}
