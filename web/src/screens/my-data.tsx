import type { ConsentState, MyDataResponse } from "@guestcard/shared";
import { useEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { Field, Icon, Loading, Message, Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { type Catalogue, formatDate, formatPhone, useTexts } from "../i18n";
import { saveFile } from "../save-file";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { myDataCatalogues } from "./my-data-texts";

/** Never given, given on a date, withdrawn on a date: the text version is the restaurant's business. */
function consentState(texts: Catalogue, consent: ConsentState): string {
  const own = myDataCatalogues[texts.language];
  if (consent.state === "never" || !consent.at) return own.consentNever;
  const date = formatDate(texts, consent.at);
  return consent.state === "given" ? own.consentGiven(date) : own.consentWithdrawn(date);
}

/** After a deletion: what went and what stays; "OK" takes the guest back to the start. */
function DeletedScreen({ reviews, onDone }: { reviews: number; onDone: () => void }) {
  const texts = useTexts();
  const own = myDataCatalogues[texts.language];
  useMainButton({ text: own.deletedContinue, onClick: onDone });
  return (
    <Message icon={<Icon name="shield" />} title={own.deletedTitle} text={own.deletedText(reviews)}>
      <Notice>{own.deletedKept}</Notice>
    </Message>
  );
}

/**
 * Everything we store about the guest, as the API exports it; giving and withdrawing the offers
 * consent; the export as a file; and deleting the account after an explicit confirmation. After
 * deletion the screen says what happened; its "OK" reloads `/api/me`, which says `needs_phone`.
 */
export function MyDataScreen() {
  const { api, request, refresh } = useSession();
  const texts = useTexts();
  const own = myDataCatalogues[texts.language];
  const [data, setData] = useState<MyDataResponse | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<"marketing" | "export" | "delete" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleted, setDeleted] = useState<{ reviews: number } | null>(null);
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

  async function setMarketing(give: boolean) {
    setBusy("marketing");
    setFailure(null);
    setNotice(null);
    try {
      const marketing = api["my-data"].consents.marketing;
      await request(give ? marketing.$post() : marketing.$delete());
      // The states come with the whole export: read it again rather than work them out here.
      setData(await request(api["my-data"].$get()));
      setNotice(give ? own.marketingGiven : own.marketingWithdrawn);
      haptic.success();
    } catch (error) {
      haptic.error();
      failWith(error);
    } finally {
      setBusy(null);
    }
  }

  async function exportData() {
    setBusy("export");
    setFailure(null);
    setNotice(null);
    try {
      const link = await request(api["my-data"].export.$post());
      if ((await saveFile({ url: link.url }, link.fileName)) === "saved") setNotice(own.exportStarted);
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
      const outcome = await request(api["my-data"].$delete());
      haptic.success();
      setDeleted({ reviews: outcome.reviews });
    } catch (error) {
      haptic.error();
      setBusy(null);
      failWith(error);
    }
  }

  const failureNotice = failure && (
    <Notice tone="error">{failure.isNetwork ? texts.networkText : texts.crashText}</Notice>
  );
  if (deleted) return <DeletedScreen reviews={deleted.reviews} onDone={() => void refresh()} />;
  if (!data) return failureNotice ? <Page title={texts.myDataTitle}>{failureNotice}</Page> : <Loading />;

  const { account, telegram } = data;
  const marketing = data.consentStates.marketing;
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
          <Field label={own.memberSince} value={formatDate(texts, account.createdAt)} />
        </Section>
      )}

      <Section header={texts.telegram}>
        <Field label={own.telegramId} value={String(telegram.id)} />
        <Field label={own.username} value={value(telegram.username && `@${telegram.username}`)} />
        {!account && (
          <Field label={texts.phone} value={value(telegram.phone && formatPhone(telegram.phone))} />
        )}
      </Section>

      {account && (
        <Section header={texts.consents}>
          <Field
            label={own.consentPersonalDataShort}
            value={consentState(texts, data.consentStates.personalData)}
          />
          <Field label={own.consentMarketingShort} value={consentState(texts, marketing)} />
          <button
            type="button"
            className="cell cell-action"
            disabled={busy !== null}
            aria-busy={busy === "marketing"}
            onClick={() => void setMarketing(marketing.state !== "given")}
          >
            {marketing.state === "given" ? own.withdrawMarketing : own.optInMarketing}
          </button>
        </Section>
      )}

      <Section header={texts.activity}>
        {/* Not how many cards were issued: a counter of the card's renewals means nothing to a guest. */}
        <Field label={own.reviewsSent} value={String(data.reviews.length)} />
      </Section>

      <Section footer={own.exportHint}>
        <button
          type="button"
          className="cell cell-action"
          disabled={busy !== null}
          aria-busy={busy === "export"}
          onClick={() => void exportData()}
        >
          {own.exportData}
        </button>
      </Section>

      {notice && <Notice tone="success">{notice}</Notice>}
      {failureNotice}

      {(account || telegram.phone) &&
        (confirming ? (
          <section ref={confirmation} className="confirm" aria-labelledby="delete-title">
            <h2 id="delete-title">{own.deleteTitle}</h2>
            <p>{own.deleteText}</p>
            <button
              type="button"
              className="button button-destructive"
              disabled={busy !== null}
              aria-busy={busy === "delete"}
              onClick={() => void deleteAccount()}
            >
              {busy === "delete" ? <span className="spinner" /> : own.deleteConfirm}
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
              {own.deleteAccount}
            </button>
          </Section>
        ))}
    </Page>
  );
}
