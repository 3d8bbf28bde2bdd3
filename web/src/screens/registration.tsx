import {
  earliestBirthday,
  type FieldError,
  type Gender,
  issuesToFields,
  nameMaxLength,
  registrationRequestSchema,
} from "@guestcard/shared";
import { type ReactNode, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { fieldErrorText, formatPhone, useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";

interface Form {
  lastName: string;
  firstName: string;
  middleName: string;
  gender: Gender | "";
  birthday: string;
  email: string;
  personalData: boolean;
  marketing: boolean;
}

/** Field names as the shared schema reports them, in the order they appear on screen. */
const fieldOrder = [
  "lastName",
  "firstName",
  "middleName",
  "gender",
  "birthday",
  "email",
  "consents.personalData",
];

const today = () => new Date().toISOString().slice(0, 10);

/**
 * `needs_registration`: the seed's form, checked with the same shared schema the API validates
 * with, so the guest sees the same field errors before and after a round trip. The phone is shown,
 * not asked for: it is the one shared through Telegram. The two consents are separate and
 * marketing is off until the guest turns it on.
 */
export function RegistrationScreen() {
  const { me, api, request, refresh } = useSession();
  const texts = useTexts();
  const [form, setForm] = useState<Form>(() => ({
    // Telegram already knows the guest's name; at a busy till every field saved counts.
    lastName: me.user.lastName ?? "",
    firstName: me.user.firstName,
    middleName: "",
    gender: "",
    birthday: "",
    email: "",
    personalData: false,
    marketing: false,
  }));
  const [errors, setErrors] = useState<Record<string, FieldError>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // Guards the gap between a tap and the re-render that shows the spinner.
  const inFlight = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  const update = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  function showErrors(fields: Record<string, FieldError>) {
    setErrors(fields);
    haptic.error();
    const first = fieldOrder.find((name) => name in fields);
    formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }

  async function submit() {
    if (inFlight.current) return;
    setFailure(null);
    const parsed = registrationRequestSchema.safeParse({
      lastName: form.lastName,
      firstName: form.firstName,
      middleName: form.middleName,
      gender: form.gender || null,
      birthday: form.birthday,
      email: form.email,
      consents: { personalData: form.personalData, marketing: form.marketing },
    });
    if (!parsed.success) {
      showErrors(issuesToFields(parsed.error.issues));
      return;
    }
    setErrors({});
    inFlight.current = true;
    setSubmitting(true);
    try {
      await request(api.registration.$post({ json: parsed.data }));
      haptic.success();
      await refresh();
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      if (error.code === "validation_failed") showErrors(error.fieldErrors);
      // Registered meanwhile (a second tap, a linked known guest) or a conflict: /api/me knows where to go.
      else if (error.status === 409) await refresh().catch(() => undefined);
      else if (error.status !== 401) {
        haptic.error();
        setFailure(error.isNetwork ? texts.networkText : texts.crashText);
      }
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  }

  useMainButton({ text: texts.register, onClick: () => void submit(), loading: submitting });

  const errorFor = (name: string) => {
    const error = errors[name];
    return error === undefined ? undefined : fieldErrorText(texts.fieldErrors, error);
  };
  const text = (
    name: "lastName" | "firstName" | "middleName" | "email",
    label: string,
    extra: InputExtras = {},
  ) => (
    <Input label={label} error={errorFor(name)} optional={extra.optional}>
      <input
        name={name}
        aria-invalid={errorFor(name) !== undefined}
        value={form[name]}
        onChange={(event) => update(name, event.target.value)}
        maxLength={name === "email" ? 254 : nameMaxLength + 20}
        {...extra.attributes}
      />
    </Input>
  );

  return (
    <Page title={texts.registrationTitle} intro={texts.registrationText}>
      <form
        ref={formRef}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Section>
          {text("lastName", texts.lastName, { attributes: { autoComplete: "family-name" } })}
          {text("firstName", texts.firstName, { attributes: { autoComplete: "given-name" } })}
          {text("middleName", texts.middleName, {
            optional: true,
            attributes: { autoComplete: "additional-name" },
          })}
        </Section>

        <Section>
          <Input label={texts.gender} error={errorFor("gender")} optional group>
            <div className="segmented">
              {(["", "female", "male"] as const).map((value) => (
                <label key={value} className="segment">
                  <input
                    type="radio"
                    name="gender"
                    value={value}
                    checked={form.gender === value}
                    onChange={() => update("gender", value)}
                  />
                  <span>{value === "" ? texts.genderUnset : texts[value]}</span>
                </label>
              ))}
            </div>
          </Input>
          <Input label={texts.birthday} error={errorFor("birthday")} optional>
            <input
              name="birthday"
              aria-invalid={errorFor("birthday") !== undefined}
              type="date"
              min={earliestBirthday}
              max={today()}
              value={form.birthday}
              onChange={(event) => update("birthday", event.target.value)}
              autoComplete="bday"
            />
          </Input>
          {text("email", texts.email, {
            optional: true,
            attributes: { type: "email", inputMode: "email", autoComplete: "email", autoCapitalize: "off" },
          })}
        </Section>

        <Section footer={texts.phoneFromTelegram}>
          <Input label={texts.phone}>
            <input name="phone" value={me.phone ? formatPhone(me.phone) : ""} readOnly aria-readonly="true" />
          </Input>
        </Section>

        <Section>
          <Consent
            name="consents.personalData"
            checked={form.personalData}
            onChange={(checked) => update("personalData", checked)}
            error={errorFor("consents.personalData") ?? errorFor("consents")}
          >
            {texts.consentPersonalData}
          </Consent>
          <Consent
            name="consents.marketing"
            checked={form.marketing}
            onChange={(checked) => update("marketing", checked)}
          >
            {texts.consentMarketing}
          </Consent>
        </Section>

        {failure && <Notice tone="error">{failure}</Notice>}
        {/* Lets the keyboard's Go/Enter submit; the visible button is Telegram's MainButton. */}
        <button type="submit" hidden />
      </form>
    </Page>
  );
}

interface InputExtras {
  optional?: boolean;
  attributes?: React.InputHTMLAttributes<HTMLInputElement>;
}

/** A labelled input (or, with `group`, a labelled set of radio buttons) with its field error under it. */
function Input({
  label,
  error,
  optional,
  group,
  children,
}: {
  label: string;
  error?: string | undefined;
  optional?: boolean | undefined;
  group?: boolean;
  children: ReactNode;
}) {
  const texts = useTexts();
  const Wrapper = group ? "fieldset" : "label";
  const Caption = group ? "legend" : "span";
  return (
    <Wrapper className="input-cell" data-invalid={error !== undefined || undefined}>
      <Caption className="input-label">
        {label}
        {optional && <span className="input-optional"> · {texts.optional}</span>}
      </Caption>
      {children}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </Wrapper>
  );
}

function Consent({
  name,
  checked,
  onChange,
  error,
  children,
}: {
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="input-cell" data-invalid={error !== undefined || undefined}>
      <label className="consent">
        <input
          type="checkbox"
          name={name}
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          aria-invalid={error !== undefined}
        />
        <span>{children}</span>
      </label>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
