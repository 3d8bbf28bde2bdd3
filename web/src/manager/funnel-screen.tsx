import {
  type FunnelRow,
  type FunnelStep,
  funnelSteps,
  type StatsPeriod,
  type StatsResponse,
  statsPeriods,
} from "@guestcard/shared";
import type { ClientResponse } from "hono/client";
import { useState } from "react";
import { Loading, Notice, Page, Section } from "../components/layout";
import { useTexts } from "../i18n";
import { useSession } from "../session";
import { fileFromResponse, useManagerDownload } from "./manager-download";
import { failureText, type ManagerTexts, sourceDisplayName, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

const periodLabels: Record<StatsPeriod, keyof ManagerTexts> = {
  today: "periodToday",
  "7d": "period7d",
  "30d": "period30d",
  all: "periodAll",
};
const stepLabels: Record<FunnelStep, keyof ManagerTexts> = {
  started: "stepStarted",
  phone_shared: "stepPhoneShared",
  registered: "stepRegistered",
  first_visit: "stepFirstVisit",
};

/** The manager's own offset from UTC, so "today" is their calendar day. */
const utcOffsetMinutes = String(-new Date().getTimezoneOffset());

/** Started → shared phone → registered → first visit, in total and per source, as bars. */
export function ManagerFunnelScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const [period, setPeriod] = useState<StatsPeriod>("30d");
  const { loaded } = useLoad(
    () =>
      // The route answers CSV too (format=csv), so its type is a union; this call asks for JSON.
      request(
        api.manager.stats.$get({ query: { period, format: "json", utcOffsetMinutes } }) as Promise<
          ClientResponse<StatsResponse, 200, "json">
        >,
      ),
    period,
  );

  const csv = useManagerDownload();
  const downloadCsv = () =>
    csv.save(async () =>
      fileFromResponse(
        await api.manager.stats.$get({ query: { period, format: "csv", utcOffsetMinutes } }),
        `guestcard-funnel-${period}.csv`,
      ),
    );

  return (
    <Page title={texts.funnel}>
      <div className="segmented period-picker" role="radiogroup">
        {statsPeriods.map((value) => (
          <label key={value} className="segment">
            <input
              type="radio"
              name="period"
              value={value}
              checked={period === value}
              onChange={() => setPeriod(value)}
            />
            <span>{texts[periodLabels[value]] as string}</span>
          </label>
        ))}
      </div>
      {loaded.state === "loading" && <Loading />}
      {loaded.state === "failed" && <Notice tone="error">{failureText(texts, loaded.failure)}</Notice>}
      {loaded.state === "ready" && (
        <>
          <Section header={texts.total}>
            <FunnelBars row={loaded.data.total} texts={texts} testId="funnel-total" />
          </Section>
          {loaded.data.sources.map((source) => (
            <Section key={source.id} header={sourceDisplayName(texts, source)}>
              <FunnelBars row={source} texts={texts} testId={`funnel-${source.code}`} />
            </Section>
          ))}
          <button
            type="button"
            className="button button-plain"
            onClick={() => void downloadCsv()}
            disabled={csv.saving}
            data-download="csv"
          >
            {texts.downloadCsv}
          </button>
          {csv.failure && <Notice tone="error">{csv.failure}</Notice>}
        </>
      )}
    </Page>
  );
}

function FunnelBars({ row, texts, testId }: { row: FunnelRow; texts: ManagerTexts; testId: string }) {
  const guestTexts = useTexts();
  const percent = new Intl.NumberFormat(guestTexts.locale, { style: "percent", maximumFractionDigits: 0 });
  const widest = Math.max(1, row.counts.started, ...funnelSteps.map((step) => row.counts[step]));
  if (row.counts.started === 0 && funnelSteps.every((step) => row.counts[step] === 0)) {
    return <p className="funnel-empty">{texts.noGuestsYet}</p>;
  }
  return (
    <ol className="funnel" data-testid={testId}>
      {funnelSteps.map((step) => {
        const count = row.counts[step];
        const conversion = step === "started" ? null : row.conversion[step];
        return (
          <li key={step} className="funnel-step" data-step={step} data-count={count}>
            <span className="funnel-label">
              <span>{texts[stepLabels[step]] as string}</span>
              <strong>{count.toLocaleString(guestTexts.locale)}</strong>
            </span>
            <span className="funnel-track">
              <span className="funnel-bar" style={{ width: `${(count / widest) * 100}%` }} />
            </span>
            {conversion !== null && (
              <span className="funnel-conversion">{texts.ofPrevious(percent.format(conversion))}</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
