import {
  type GuestImportLineError,
  type GuestImportPreview,
  type GuestImportPreviewRow,
  type GuestImportResponse,
  guestImportMaxBytes,
} from "@guestcard/shared";
import type { ClientResponse } from "hono/client";
import { useState } from "react";
import { ApiFailure } from "../api";
import { Field, Notice, Page, Section } from "../components/layout";
import { useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { fileFromResponse, useManagerDownload } from "./manager-download";
import { failureText, importLineErrorText, type ManagerTexts, useManagerTexts } from "./manager-texts";
import "./manager.css";

/** How many error lines the screen lists; the rest are counted (a broken file can have thousands). */
const errorsShown = 50;

type Step =
  | { kind: "choose" }
  | { kind: "reading" }
  | { kind: "preview"; file: File; preview: GuestImportPreview }
  | { kind: "importing"; file: File; preview: GuestImportPreview }
  | { kind: "done"; result: GuestImportResponse };

/**
 * The restaurant's guest base (CSV, as Excel saves it): first what the server read — the mapping of
 * the columns, the first guests as they will be stored, the counts and the bad lines, with nothing
 * written — then, once the manager confirms, the import itself and what became of it.
 */
export function ManagerImportScreen() {
  const { api, request, launch } = useSession();
  const texts = useManagerTexts();
  const guestTexts = useTexts();
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const [failure, setFailure] = useState<string | null>(null);
  const number = (value: number) => value.toLocaleString(guestTexts.locale);

  /** The body is the file itself, not JSON: the typed client has no shape for it, only the URL. */
  const postFile = <T,>(url: URL, file: File) =>
    request(
      fetch(url, {
        method: "POST",
        headers: { authorization: `tma ${launch.rawInitData}`, "content-type": "text/csv" },
        body: file,
      }) as Promise<ClientResponse<T, 200, "json">>,
    );

  async function attempt(work: () => Promise<void>, onFailure: () => void) {
    setFailure(null);
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      setFailure(failureText(texts, error));
      onFailure();
    }
  }

  function read(file: File) {
    if (file.size > guestImportMaxBytes) {
      setFailure(texts.importTooLarge);
      return;
    }
    setStep({ kind: "reading" });
    void attempt(
      async () => {
        const preview = await postFile<GuestImportPreview>(api.manager.accounts.import.preview.$url(), file);
        setStep({ kind: "preview", file, preview });
      },
      () => setStep({ kind: "choose" }),
    );
  }

  function confirm(file: File, preview: GuestImportPreview) {
    setStep({ kind: "importing", file, preview });
    void attempt(
      async () => {
        const result = await postFile<GuestImportResponse>(api.manager.accounts.import.$url(), file);
        haptic.success();
        setStep({ kind: "done", result });
      },
      () => setStep({ kind: "preview", file, preview }),
    );
  }

  const template = useManagerDownload();
  const downloadTemplate = () =>
    template.save(async () =>
      fileFromResponse(
        await api.manager.accounts.import.template.$get({ query: { language: guestTexts.language } }),
        `guestcard-guests-${guestTexts.language}.csv`,
      ),
    );

  const busy = step.kind === "reading" || step.kind === "importing";
  return (
    <Page title={texts.importTitle} intro={texts.importFormats}>
      {(step.kind === "choose" || step.kind === "reading" || step.kind === "done") && (
        <label className={`button file-button${busy ? " file-button-busy" : ""}`}>
          {step.kind === "reading" ? texts.readingFile : texts.chooseFile}
          <input
            type="file"
            name="guest-base"
            accept=".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values"
            disabled={busy}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file) read(file);
            }}
          />
        </label>
      )}
      {step.kind === "choose" && (
        <button
          type="button"
          className="button button-plain"
          onClick={() => void downloadTemplate()}
          disabled={template.saving}
        >
          {texts.downloadTemplate}
        </button>
      )}
      {template.failure && <Notice tone="error">{template.failure}</Notice>}
      {failure && <Notice tone="error">{failure}</Notice>}
      {(step.kind === "preview" || step.kind === "importing") && (
        <PreviewView
          preview={step.preview}
          texts={texts}
          number={number}
          locale={guestTexts.locale}
          busy={step.kind === "importing"}
          onConfirm={() => confirm(step.file, step.preview)}
          onCancel={() => {
            setFailure(null);
            setStep({ kind: "choose" });
          }}
        />
      )}
      {step.kind === "done" && (
        <>
          <Section header={texts.importDone}>
            <Field
              label={texts.created}
              value={<span data-testid="import-created">{number(step.result.created)}</span>}
            />
            <Field
              label={texts.skipped}
              value={<span data-testid="import-skipped">{number(step.result.skipped)}</span>}
            />
            <Field
              label={texts.errors}
              value={<span data-testid="import-errors">{number(step.result.errorCount)}</span>}
            />
          </Section>
          <LineErrors
            errors={step.result.errors}
            errorCount={step.result.errorCount}
            texts={texts}
            number={number}
          />
        </>
      )}
    </Page>
  );
}

function PreviewView({
  preview,
  texts,
  number,
  locale,
  busy,
  onConfirm,
  onCancel,
}: {
  preview: GuestImportPreview;
  texts: ManagerTexts;
  number: (value: number) => string;
  locale: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const columnName = (column: string) => texts.columnNames[column] ?? column;
  const shownColumns = [
    "phone",
    "last_name",
    "first_name",
    "middle_name",
    "gender",
    "birthday",
    "email",
  ] as const;
  const goodRecords = preview.create + preview.skip;
  return (
    <div data-testid="import-preview">
      <Section header={texts.previewTitle}>
        <Field
          label={texts.willCreate}
          value={<span data-testid="preview-create">{number(preview.create)}</span>}
        />
        <Field
          label={texts.willSkip}
          value={<span data-testid="preview-skip">{number(preview.skip)}</span>}
        />
        <Field
          label={texts.willReject}
          value={<span data-testid="preview-errors">{number(preview.errorCount)}</span>}
        />
      </Section>
      <Section header={texts.previewColumns}>
        {preview.columns.map(({ header, column }, index) => (
          <Field
            // Header cells may repeat (two ignored "Notes"): their place tells them apart.
            // biome-ignore lint/suspicious/noArrayIndexKey: the columns never change order
            key={index}
            label={header || "—"}
            value={
              column ? (
                `→ ${columnName(column)}`
              ) : (
                <span className="import-ignored">{texts.previewIgnored}</span>
              )
            }
          />
        ))}
      </Section>
      {preview.rows.length > 0 && (
        <Section header={texts.previewRows(preview.rows.length, goodRecords)}>
          <div className="import-table-scroll">
            <table className="import-table" data-testid="preview-rows">
              <thead>
                <tr>
                  <th>{texts.lineColumn}</th>
                  {shownColumns.map((column) => (
                    <th key={column}>{columnName(column)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr key={row.line}>
                    <td>{row.line}</td>
                    {shownColumns.map((column) => (
                      <td key={column}>{cellText(row, column, texts, locale)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}
      <LineErrors errors={preview.errors} errorCount={preview.errorCount} texts={texts} number={number} />
      {preview.create === 0 && <Notice>{texts.nothingToImport}</Notice>}
      <div className="import-actions">
        {preview.create > 0 && (
          <button type="button" className="button" disabled={busy} onClick={onConfirm}>
            {busy ? texts.importing : texts.confirmImport(number(preview.create))}
          </button>
        )}
        <button type="button" className="button button-plain" disabled={busy} onClick={onCancel}>
          {texts.chooseAnother}
        </button>
      </div>
    </div>
  );
}

function cellText(
  row: GuestImportPreviewRow,
  column: keyof GuestImportPreviewRow,
  texts: ManagerTexts,
  locale: string,
): string {
  const value = row[column];
  if (value === null || value === "") return "";
  if (column === "gender") return texts.genderShort[value as "male" | "female"];
  if (column === "birthday") {
    return new Date(`${value}T00:00:00Z`).toLocaleDateString(locale, { timeZone: "UTC" });
  }
  return String(value);
}

function LineErrors({
  errors,
  errorCount,
  texts,
  number,
}: {
  errors: GuestImportLineError[];
  errorCount: number;
  texts: ManagerTexts;
  number: (value: number) => string;
}) {
  if (errors.length === 0) return null;
  return (
    <Section
      header={texts.errors}
      footer={errorCount > errorsShown ? texts.moreErrors(number(errorCount - errorsShown)) : undefined}
    >
      {errors.slice(0, errorsShown).map((error) => (
        <Field key={error.line} label={texts.line(error.line)} value={importLineErrorText(texts, error)} />
      ))}
    </Section>
  );
}
