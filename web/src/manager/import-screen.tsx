import { type GuestImportResponse, guestImportMaxBytes } from "@guestcard/shared";
import type { ClientResponse } from "hono/client";
import { useState } from "react";
import { ApiFailure } from "../api";
import { Field, Notice, Page, Section } from "../components/layout";
import { useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { failureText, importLineErrorText, useManagerTexts } from "./manager-texts";
import "./manager.css";

/** How many error lines the screen lists; the rest are counted (a broken file can have thousands). */
const errorsShown = 50;

/** Uploads the restaurant's guest base (CSV) and shows what became of it, line by line. */
export function ManagerImportScreen() {
  const { api, request, launch } = useSession();
  const texts = useManagerTexts();
  const guestTexts = useTexts();
  const [result, setResult] = useState<GuestImportResponse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(file: File) {
    setResult(null);
    setFailure(null);
    if (file.size > guestImportMaxBytes) {
      setFailure(texts.importTooLarge);
      return;
    }
    setBusy(true);
    try {
      // The body is the file itself, not JSON: the typed client has no shape for it, only the URL.
      const response = fetch(api.manager.accounts.import.$url(), {
        method: "POST",
        headers: { authorization: `tma ${launch.rawInitData}`, "content-type": "text/csv" },
        body: file,
      }) as Promise<ClientResponse<GuestImportResponse, 200, "json">>;
      setResult(await request(response));
      haptic.success();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      setFailure(failureText(texts, error));
    } finally {
      setBusy(false);
    }
  }

  const number = (value: number) => value.toLocaleString(guestTexts.locale);
  return (
    <Page title={texts.importTitle} intro={texts.importText}>
      <label className={`button file-button${busy ? " file-button-busy" : ""}`}>
        {busy ? texts.importing : texts.chooseFile}
        <input
          type="file"
          name="guest-base"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = "";
            if (file) void upload(file);
          }}
        />
      </label>
      {failure && <Notice tone="error">{failure}</Notice>}
      {result && (
        <>
          <Section>
            <Field
              label={texts.created}
              value={<span data-testid="import-created">{number(result.created)}</span>}
            />
            <Field
              label={texts.skipped}
              value={<span data-testid="import-skipped">{number(result.skipped)}</span>}
            />
            <Field
              label={texts.errors}
              value={<span data-testid="import-errors">{number(result.errors.length)}</span>}
            />
          </Section>
          {result.errors.length > 0 && (
            <Section header={texts.errors}>
              {result.errors.slice(0, errorsShown).map((error) => (
                <Field
                  key={error.line}
                  label={texts.line(error.line)}
                  value={importLineErrorText(texts, error)}
                />
              ))}
              {result.errors.length > errorsShown && (
                <p className="section-footer">… +{number(result.errors.length - errorsShown)}</p>
              )}
            </Section>
          )}
        </>
      )}
    </Page>
  );
}
