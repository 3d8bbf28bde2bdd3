import type { ConsentKind, ConsentRecord, MyDataResponse } from "@guestcard/shared";
import { useEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { Field, Loading, Notice, Page, Section } from "../components/layout";
import { type Catalogue, formatDate, formatPhone, useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";

/** The consent in force for a kind: the latest entry of its history. */
function latestConsent(consents: readonly ConsentRecord[], kind: ConsentKind): ConsentRecord | undefined {
  return consents.filter((consent) => consent.kind === kind).at(-1);
}

function consentState(texts: Catalogue, consent: ConsentRecord | undefined): string {
  if (!consent) return texts.consentNever;
  const date = formatDate(texts, consent.recordedAt);
  return `${consent.granted ? texts.consentGiven(date) : texts.consentWithdrawn(date)} · ${texts.consentVersion(consent.textVersion)}`;
}

/**
 * Everything we store about the guest, as the API exports it; withdrawing marketing consent; and
 * deleting the account after an explicit confirmation. After deletion `/api/me` says
 * `needs_phone` and the app returns to the first step by itself.
 */
export function MyDataScreen() {
  const { api, request, refresh } = useSession();
  const texts = useTexts();
  const [data, setData] = useState<MyDataResponse | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<"withdraw" | "delete" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const confirmation = useRef<HTMLElement>(null);
  // The confirmation opens at the bottom of a long page: bring it into view.
  useEffect(() => {
    if (confirming) confirmation.current?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [confirming]);

  /** Keeps API failures for the notice; anything else is a bug for the error boundary. */
  const failWith = (error: unknown) => {
    if (!(error instanceof ApiFailure)) throw error;
    setFailure(error);
  };

  useEffect(() => {
    request(api["my-data"].$get()).then(setData, (error: unknown) => {
      if (error instanceof ApiFailure) setFailure(error);
    });
  }, [api, request]);

  async function withdrawMarketing() {
    setBusy("withdraw");
    setFailure(null);
    try {
      const { consents } = await request(api["my-data"].consents.marketing.$delete());
      setData((current) => current && { ...current, consents });
      setNotice(texts.marketingWithdrawn);
      haptic.success();
    } catch (error) {
      haptic.error();
      failWith(error);
    } finally {
      setBusy(null);
    }
  }

  async function deleteAccount() {
    setBusy("delete");
    setFailure(null);
    try {
      await request(api["my-data"].$delete());
      haptic.success();
      await refresh();
    } catch (error) {
      haptic.error();
      setBusy(null);
      failWith(error);
    }
  }

  const failureNotice = failure && (
    <Notice tone="error">{failure.isNetwork ? texts.networkText : texts.crashText}</Notice>
  );
  if (!data) return failureNotice ? <Page title={texts.myDataTitle}>{failureNotice}</Page> : <Loading />;

  const { account, telegram } = data;
  const marketing = latestConsent(data.consents, "marketing");
  const value = (text: string | null | undefined) => text || <span className="muted">{texts.notGiven}</span>;
  return (
    <Page title={texts.myDataTitle}>
      {account && (
        <Section header={texts.profile}>
          <Field label={texts.lastName} value={account.lastName} />
          <Field label={texts.firstName} value={account.firstName} />
          <Field label={texts.middleName} value={value(account.middleName)} />
          <Field label={texts.gender} value={value(account.gender && texts[account.gender])} />
          <Field
            label={texts.birthday}
            value={value(account.birthday && formatDate(texts, account.birthday))}
          />
          <Field label={texts.email} value={value(account.email)} />
          <Field label={texts.phone} value={formatPhone(account.phone)} />
          <Field label={texts.memberSince} value={formatDate(texts, account.createdAt)} />
        </Section>
      )}

      <Section header={texts.telegram}>
        <Field label={texts.telegramId} value={String(telegram.id)} />
        <Field label={texts.username} value={value(telegram.username && `@${telegram.username}`)} />
        {!account && (
          <Field label={texts.phone} value={value(telegram.phone && formatPhone(telegram.phone))} />
        )}
      </Section>

      {account && (
        <Section header={texts.consents}>
          <Field
            label={texts.consentPersonalDataShort}
            value={consentState(texts, latestConsent(data.consents, "personal_data"))}
          />
          <Field label={texts.consentMarketingShort} value={consentState(texts, marketing)} />
          {marketing?.granted && (
            <button
              type="button"
              className="cell cell-action"
              disabled={busy !== null}
              onClick={() => void withdrawMarketing()}
            >
              {texts.withdrawMarketing}
            </button>
          )}
        </Section>
      )}

      <Section header={texts.activity}>
        <Field label={texts.reviewsSent} value={String(data.reviews.length)} />
        <Field label={texts.cardsIssued} value={String(data.cardsIssued)} />
      </Section>

      {notice && <Notice tone="success">{notice}</Notice>}
      {failureNotice}

      {(account || telegram.phone) &&
        (confirming ? (
          <section ref={confirmation} className="confirm" aria-labelledby="delete-title">
            <h2 id="delete-title">{texts.deleteTitle}</h2>
            <p>{texts.deleteText}</p>
            <button
              type="button"
              className="button button-destructive"
              disabled={busy !== null}
              aria-busy={busy === "delete"}
              onClick={() => void deleteAccount()}
            >
              {busy === "delete" ? <span className="spinner" /> : texts.deleteConfirm}
            </button>
            <button
              type="button"
              className="button button-plain"
              disabled={busy !== null}
              onClick={() => setConfirming(false)}
            >
              {texts.cancel}
            </button>
          </section>
        ) : (
          <Section>
            <button type="button" className="cell cell-destructive" onClick={() => setConfirming(true)}>
              {texts.deleteAccount}
            </button>
          </Section>
        ))}
    </Page>
  );
}
