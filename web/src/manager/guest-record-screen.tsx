import type { GuestRecord } from "@guestcard/shared";
import { Field, Loading, Notice, Page, Section } from "../components/layout";
import { formatDate, formatPhone, useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
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
