import { issuesToFields, type Settings, settingsUpdateSchema } from "@guestcard/shared";
import { useEffect, useState } from "react";
import { ApiFailure } from "../api";
import { Loading, Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { fieldErrorTexts, useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { failureText, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

/** A card's lifetime as a manager thinks of it: minutes or hours (the API keeps seconds). */
type LifetimeUnit = "minutes" | "hours";
const secondsPer: Record<LifetimeUnit, number> = { minutes: 60, hours: 3600 };

interface Form {
  cardTtl: string;
  cardTtlUnit: LifetimeUnit;
  miniAppShortName: string;
  restaurantName: string;
}

function toForm(settings: Settings, language: string): Form {
  const unit: LifetimeUnit = settings.cardTtlSeconds % secondsPer.hours === 0 ? "hours" : "minutes";
  // 30 s shows as "0,5" minutes; any whole number of seconds is at most two decimals away.
  const amount = new Intl.NumberFormat(language, { maximumFractionDigits: 2, useGrouping: false });
  return {
    cardTtl: amount.format(settings.cardTtlSeconds / secondsPer[unit]),
    cardTtlUnit: unit,
    miniAppShortName: settings.miniAppShortName,
    restaurantName: settings.restaurantName,
  };
}

/** "2", "0,5", "1.5" in the form's unit → whole seconds; NaN for what is not a number (the schema says why). */
export function lifetimeSeconds(amount: string, unit: LifetimeUnit): number {
  const text = amount.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(text)) return Number.NaN;
  return Math.round(Number(text) * secondsPer[unit]);
}

/** The API names the lifetime's field `cardTtlSeconds`; on this screen it is the `cardTtl` field. */
function renameLifetime(errors: Record<string, string>): Record<string, string> {
  const { cardTtlSeconds, ...rest } = errors;
  return cardTtlSeconds === undefined ? rest : { ...rest, cardTtl: cardTtlSeconds };
}

/** Card lifetime, Mini App short name and restaurant name; checked with the API's own schema. */
export function ManagerSettingsScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const { language } = useTexts();
  const { loaded } = useLoad(() => request(api.manager.settings.$get()));
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (loaded.state === "ready") setForm(toForm(loaded.data, language));
  }, [loaded, language]);

  async function save() {
    if (!form) return;
    setStatus(null);
    const parsed = settingsUpdateSchema.safeParse({
      cardTtlSeconds: lifetimeSeconds(form.cardTtl, form.cardTtlUnit),
      miniAppShortName: form.miniAppShortName,
      restaurantName: form.restaurantName,
    });
    if (!parsed.success) {
      setErrors(renameLifetime(fieldErrorTexts(texts.fieldErrors, issuesToFields(parsed.error.issues))));
      haptic.error();
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      setForm(toForm(await request(api.manager.settings.$put({ json: parsed.data })), language));
      setStatus({ tone: "success", text: texts.saved });
      haptic.success();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      if (Object.keys(error.fieldErrors).length > 0)
        setErrors(renameLifetime(fieldErrorTexts(texts.fieldErrors, error.fieldErrors)));
      else setStatus({ tone: "error", text: failureText(texts, error) });
    } finally {
      setSaving(false);
    }
  }

  useMainButton(form ? { text: texts.save, onClick: () => void save(), loading: saving } : null);

  if (loaded.state === "loading" || (loaded.state === "ready" && !form)) return <Loading />;
  if (loaded.state === "failed" || !form) {
    return (
      <Notice tone="error">
        {loaded.state === "failed" ? failureText(texts, loaded.failure) : texts.failed}
      </Notice>
    );
  }
  const field = (
    name: Exclude<keyof Form, "cardTtlUnit">,
    label: string,
    hint: string,
    attributes: React.InputHTMLAttributes<HTMLInputElement>,
    below?: React.ReactNode,
  ) => (
    <Section footer={hint}>
      <label className="input-cell" data-invalid={errors[name] ? "" : undefined}>
        <span className="input-label">{label}</span>
        <input
          name={name}
          value={form[name]}
          onChange={(event) => setForm({ ...form, [name]: event.target.value })}
          {...attributes}
        />
        {errors[name] && <span className="field-error">{errors[name]}</span>}
      </label>
      {below}
    </Section>
  );
  return (
    <Page title={texts.settings}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {field(
          "cardTtl",
          texts.cardTtl,
          texts.cardTtlHint,
          { inputMode: "decimal" },
          <div className="segmented lifetime-unit" role="radiogroup" aria-label={texts.cardTtl}>
            {(["minutes", "hours"] as const).map((unit) => (
              <label key={unit} className="segment">
                <input
                  type="radio"
                  name="cardTtlUnit"
                  value={unit}
                  checked={form.cardTtlUnit === unit}
                  onChange={() => setForm({ ...form, cardTtlUnit: unit })}
                />
                <span>{texts[unit]}</span>
              </label>
            ))}
          </div>,
        )}
        {field("miniAppShortName", texts.miniAppShortName, texts.miniAppShortNameHint, {
          autoCapitalize: "off",
          spellCheck: false,
          maxLength: 30,
        })}
        {field("restaurantName", texts.restaurantName, texts.restaurantNameHint, { maxLength: 120 })}
      </form>
      {status && <Notice tone={status.tone}>{status.text}</Notice>}
    </Page>
  );
}
