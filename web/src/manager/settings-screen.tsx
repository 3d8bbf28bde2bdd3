import { cardTtlSecondsRange, issuesToFields, type Settings, settingsUpdateSchema } from "@guestcard/shared";
import { useEffect, useState } from "react";
import { ApiFailure } from "../api";
import { Loading, Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { fieldErrorTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { failureText, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

interface Form {
  cardTtlSeconds: string;
  miniAppShortName: string;
  restaurantName: string;
}

const toForm = (settings: Settings): Form => ({
  cardTtlSeconds: String(settings.cardTtlSeconds),
  miniAppShortName: settings.miniAppShortName,
  restaurantName: settings.restaurantName,
});

/** Card lifetime, Mini App short name and restaurant name; checked with the API's own schema. */
export function ManagerSettingsScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const { loaded } = useLoad(() => request(api.manager.settings.$get()));
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (loaded.state === "ready") setForm(toForm(loaded.data));
  }, [loaded]);

  async function save() {
    if (!form) return;
    setStatus(null);
    const parsed = settingsUpdateSchema.safeParse({
      cardTtlSeconds: form.cardTtlSeconds.trim() === "" ? Number.NaN : Number(form.cardTtlSeconds),
      miniAppShortName: form.miniAppShortName,
      restaurantName: form.restaurantName,
    });
    if (!parsed.success) {
      setErrors(fieldErrorTexts(texts.fieldErrors, issuesToFields(parsed.error.issues)));
      haptic.error();
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      setForm(toForm(await request(api.manager.settings.$put({ json: parsed.data }))));
      setStatus({ tone: "success", text: texts.saved });
      haptic.success();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      if (Object.keys(error.fieldErrors).length > 0)
        setErrors(fieldErrorTexts(texts.fieldErrors, error.fieldErrors));
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
    name: keyof Form,
    label: string,
    hint: string,
    attributes: React.InputHTMLAttributes<HTMLInputElement>,
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
        {field("cardTtlSeconds", `${texts.cardTtl}, ${texts.seconds}`, texts.cardTtlHint, {
          type: "number",
          inputMode: "numeric",
          min: cardTtlSecondsRange.min,
          max: cardTtlSecondsRange.max,
          step: 1,
        })}
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
