import {
  type FieldErrors,
  issuesToFields,
  type LoyaltyProgramme,
  loyaltyProgrammeUpdateSchema,
  loyaltyTierNameMaxLength,
  loyaltyTiersMax,
  type ProgrammeFigures,
  type ProgrammePeriodFigures,
} from "@guestcard/shared";
import { useEffect, useState } from "react";
import { ApiFailure } from "../api";
import { parseMoneyInput } from "../cashier/money-input";
import { Loading, Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { fieldErrorText, useTexts } from "../i18n";
import { formatMoney, formatPoints } from "../points/format";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { failureText, type ManagerTexts, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

interface TierForm {
  name: string;
  /** Money typed in major units ("15000", "15000,50"). */
  threshold: string;
  earnPercent: string;
}

interface Form {
  tiers: TierForm[];
  maxRedeemPercent: string;
  welcomePoints: string;
  birthdayPoints: string;
  lapseOn: boolean;
  lapseDays: string;
}

/** Minor units as a manager types them: "15000" for a round amount, else "15000,50" (or "15000.50"). */
function moneyText(minor: number, decimalMark: string): string {
  const cents = minor % 100;
  const whole = (minor - cents) / 100;
  return cents === 0 ? String(whole) : `${whole}${decimalMark}${String(cents).padStart(2, "0")}`;
}

const toForm = (programme: LoyaltyProgramme, decimalMark: string): Form => ({
  tiers: programme.tiers.map((tier) => ({
    name: tier.name,
    threshold: moneyText(tier.threshold, decimalMark),
    earnPercent: String(tier.earnPercent),
  })),
  maxRedeemPercent: String(programme.maxRedeemPercent),
  welcomePoints: String(programme.welcomePoints),
  birthdayPoints: String(programme.birthdayPoints),
  lapseOn: programme.lapseAfterDays !== null,
  lapseDays: String(programme.lapseAfterDays ?? 365),
});

/** A typed whole number; anything else is NaN, which the shared schema refuses with its own code. */
const wholeNumber = (text: string) => (text.trim() === "" ? Number.NaN : Number(text.trim()));

/**
 * The loyalty programme: its settings (checked with the API's own schema, field errors by code)
 * and its figures for today, 7 and 30 days (docs/api.md, `/api/manager/loyalty/*`).
 */
export function ManagerPointsScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const { locale, language } = useTexts();
  const decimalMark = language === "ru" ? "," : ".";
  const { loaded } = useLoad(() => request(api.manager.loyalty.programme.$get()));
  const figures = useLoad(() => request(api.manager.loyalty.figures.$get()));
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (loaded.state === "ready") setForm(toForm(loaded.data, decimalMark));
  }, [loaded, decimalMark]);

  async function save() {
    if (!form) return;
    setStatus(null);
    const localErrors: Record<string, string> = {};
    const tiers = form.tiers.map((tier, index) => {
      const threshold = parseMoneyInput(tier.threshold);
      if (!threshold.ok) localErrors[`tiers.${index}.threshold`] = texts.points.notMoney;
      return {
        name: tier.name,
        threshold: threshold.ok ? threshold.minor : Number.NaN,
        earnPercent: wholeNumber(tier.earnPercent),
      };
    });
    const parsed = loyaltyProgrammeUpdateSchema.safeParse({
      tiers,
      maxRedeemPercent: wholeNumber(form.maxRedeemPercent),
      welcomePoints: wholeNumber(form.welcomePoints),
      birthdayPoints: wholeNumber(form.birthdayPoints),
      lapseAfterDays: form.lapseOn ? wholeNumber(form.lapseDays) : null,
    });
    if (!parsed.success || Object.keys(localErrors).length > 0) {
      const fromSchema = parsed.success
        ? {}
        : programmeErrorTexts(texts, issuesToFields(parsed.error.issues));
      setErrors({ ...fromSchema, ...localErrors });
      haptic.error();
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const saved = await request(api.manager.loyalty.programme.$patch({ json: parsed.data }));
      setForm(toForm(saved, decimalMark));
      setStatus({ tone: "success", text: texts.saved });
      haptic.success();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      if (Object.keys(error.fieldErrors).length > 0) setErrors(programmeErrorTexts(texts, error.fieldErrors));
      else setStatus({ tone: "error", text: failureText(texts, error) });
    } finally {
      setSaving(false);
    }
  }

  useMainButton(form ? { text: texts.save, onClick: () => void save(), loading: saving } : null);

  const figuresSection = (
    <Section header={texts.points.figures}>
      {figures.loaded.state === "loading" && <Loading />}
      {figures.loaded.state === "failed" && (
        <Notice tone="error">{failureText(texts, figures.loaded.failure)}</Notice>
      )}
      {figures.loaded.state === "ready" && (
        <FiguresTable figures={figures.loaded.data} texts={texts} locale={locale} />
      )}
    </Section>
  );

  if (loaded.state === "loading" || (loaded.state === "ready" && !form)) return <Loading />;
  if (loaded.state === "failed" || !form) {
    return (
      <Page title={texts.pointsTitle}>
        <Notice tone="error">
          {loaded.state === "failed" ? failureText(texts, loaded.failure) : texts.failed}
        </Notice>
        {figuresSection}
      </Page>
    );
  }

  const setTier = (index: number, change: Partial<TierForm>) =>
    setForm({ ...form, tiers: form.tiers.map((tier, at) => (at === index ? { ...tier, ...change } : tier)) });
  const input = (
    name: string,
    label: string,
    value: string,
    onChange: (value: string) => void,
    attributes: React.InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <label className="input-cell" data-invalid={errors[name] ? "" : undefined}>
      <span className="input-label">{label}</span>
      <input name={name} value={value} onChange={(event) => onChange(event.target.value)} {...attributes} />
      {errors[name] && <span className="field-error">{errors[name]}</span>}
    </label>
  );
  const whole = { inputMode: "numeric", autoComplete: "off" } as const;

  return (
    <Page title={texts.pointsTitle}>
      {figuresSection}
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Section header={texts.points.settings} footer={texts.points.settingsHint}>
          {input(
            "maxRedeemPercent",
            texts.points.maxRedeemPercent,
            form.maxRedeemPercent,
            (value) => setForm({ ...form, maxRedeemPercent: value }),
            whole,
          )}
        </Section>
        <Section footer={texts.points.welcomePointsHint}>
          {input(
            "welcomePoints",
            texts.points.welcomePoints,
            form.welcomePoints,
            (value) => setForm({ ...form, welcomePoints: value }),
            whole,
          )}
        </Section>
        <Section footer={texts.points.birthdayPointsHint}>
          {input(
            "birthdayPoints",
            texts.points.birthdayPoints,
            form.birthdayPoints,
            (value) => setForm({ ...form, birthdayPoints: value }),
            whole,
          )}
        </Section>
        <Section footer={texts.points.lapseHint}>
          <label className="cell points-switch">
            <span className="cell-text">
              <span className="cell-title">{texts.points.lapse}</span>
            </span>
            <input
              type="checkbox"
              name="lapseOn"
              checked={form.lapseOn}
              onChange={(event) => setForm({ ...form, lapseOn: event.target.checked })}
            />
          </label>
          {form.lapseOn &&
            input(
              "lapseAfterDays",
              texts.points.lapseDays,
              form.lapseDays,
              (value) => setForm({ ...form, lapseDays: value }),
              whole,
            )}
        </Section>

        <Section header={texts.points.tiers} footer={texts.points.tiersHint}>
          {errors.tiers && <p className="field-error points-tiers-error">{errors.tiers}</p>}
          {form.tiers.map((tier, index) => (
            // Tiers have no id; a row is its place on the ladder.
            // biome-ignore lint/suspicious/noArrayIndexKey: the ladder's order is the tiers' identity
            <div className="points-tier-row" key={index} data-tier={index}>
              {input(
                `tiers.${index}.name`,
                texts.points.tierName,
                tier.name,
                (value) => setTier(index, { name: value }),
                {
                  maxLength: loyaltyTierNameMaxLength,
                },
              )}
              {input(
                `tiers.${index}.threshold`,
                texts.points.tierThreshold,
                tier.threshold,
                (value) => setTier(index, { threshold: value }),
                { inputMode: "decimal", autoComplete: "off", readOnly: index === 0 },
              )}
              {input(
                `tiers.${index}.earnPercent`,
                texts.points.tierEarnPercent,
                tier.earnPercent,
                (value) => setTier(index, { earnPercent: value }),
                whole,
              )}
              {index > 0 && (
                <button
                  type="button"
                  className="button button-plain button-small"
                  onClick={() => setForm({ ...form, tiers: form.tiers.filter((_, at) => at !== index) })}
                >
                  {texts.points.removeTier}
                </button>
              )}
            </div>
          ))}
          {form.tiers.length < loyaltyTiersMax && (
            <button
              type="button"
              className="button button-plain"
              onClick={() =>
                setForm({ ...form, tiers: [...form.tiers, { name: "", threshold: "", earnPercent: "" }] })
              }
            >
              {texts.points.addTier}
            </button>
          )}
        </Section>
      </form>
      {status && <Notice tone={status.tone}>{status.text}</Notice>}
    </Page>
  );
}

/**
 * The programme's field errors, by code and field. A number's errors (`wrong_type` for "abc",
 * `out_of_range` with one bound) read best as the field's whole rule; a tier's name keeps the
 * generic texts (required, too long); the ladder's own rule (first from 0, rising, distinct names)
 * is one sentence whatever its code.
 */
function programmeErrorTexts(texts: ManagerTexts, errors: FieldErrors): Record<string, string> {
  const ruleOf = (field: string): string | null => {
    if (field === "tiers") return texts.points.tiersRule;
    if (field === "maxRedeemPercent" || /^tiers\.\d+\.earnPercent$/.test(field))
      return texts.points.percentRule;
    if (field === "welcomePoints" || field === "birthdayPoints") return texts.points.pointsRule;
    if (field === "lapseAfterDays") return texts.points.lapseRule;
    if (/^tiers\.\d+\.threshold$/.test(field)) return texts.points.notMoney;
    return null;
  };
  return Object.fromEntries(
    Object.entries(errors).map(([field, error]) => [
      field,
      ruleOf(field) ?? fieldErrorText(texts.fieldErrors, error),
    ]),
  );
}

const periods = ["today", "last7Days", "last30Days"] as const;
const rows = [
  "pointsIssued",
  "pointsSpent",
  "pointsLapsed",
  "pointsRefunded",
  "pointsAdjustedDown",
  "bills",
  "averageBill",
] as const satisfies readonly (keyof ProgrammePeriodFigures)[];

function FiguresTable({
  figures,
  texts,
  locale,
}: {
  figures: ProgrammeFigures;
  texts: ManagerTexts;
  locale: string;
}) {
  const show = (row: (typeof rows)[number], value: number) =>
    row === "averageBill" ? formatMoney(value, locale) : formatPoints(value, locale);
  return (
    <div className="points-figures">
      <p className="points-outstanding">
        <span>{texts.points.outstanding}</span>
        <strong data-figure="outstanding">{formatPoints(figures.pointsOutstanding, locale)}</strong>
      </p>
      <table>
        <thead>
          <tr>
            <th />
            {periods.map((period) => (
              <th key={period} scope="col">
                {texts.points[period]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row} data-figure={row}>
              <th scope="row">{texts.points[row]}</th>
              {periods.map((period) => (
                <td key={period}>{show(row, figures[period][row])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
