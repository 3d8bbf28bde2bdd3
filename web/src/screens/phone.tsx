import { useEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { Icon, Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { fieldErrorText, useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic, host, requestPhoneContact } from "../telegram";

/** The bot usually stores a shared contact within a second or two; past this, say so and offer a retry. */
const waitLimitMs = 30_000;
const pollEveryMs = 1_500;

type Phase = "idle" | "asking" | "waiting" | "not-yet" | "declined" | "unsupported";

/**
 * `needs_phone`: explains why the phone is needed and asks Telegram to share it with the bot. The
 * API hears of it from the bot, not from us, so we poll `/api/me` for a bounded time; once the
 * status changes the app moves on by itself. In demo mode there is no bot: a demo-only control
 * shares a made-up number through the same domain code instead.
 */
export function PhoneScreen() {
  const { api, me, refresh, request } = useSession();
  const texts = useTexts();
  const [phase, setPhase] = useState<Phase>("idle");
  const [demoPhone, setDemoPhone] = useState("");
  const [demoError, setDemoError] = useState<string | null>(null);
  // Demo mode has no bot to receive a contact, so a plain tab gets a control that plays its part.
  const demo = me.demo && host() === "browser";
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  async function waitForPhone() {
    setPhase("waiting");
    const deadline = Date.now() + waitLimitMs;
    while (alive.current && Date.now() < deadline) {
      try {
        if ((await refresh()).status !== "needs_phone") return;
      } catch (failure) {
        // A dropped request while waiting is not worth a screen of its own; a 401 is handled app-wide.
        if (!(failure instanceof ApiFailure) || failure.status === 401) return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
    }
    if (alive.current) setPhase("not-yet");
  }

  async function askTelegram() {
    setPhase("asking");
    const result = await requestPhoneContact();
    if (result === "shared") {
      haptic.success();
      await waitForPhone();
    } else {
      if (result === "declined") haptic.error();
      setPhase(result);
    }
  }

  async function shareInDemo() {
    setPhase("asking");
    setDemoError(null);
    try {
      const phone = demoPhone.trim();
      await request(api.demo["share-phone"].$post({ json: phone ? { phone } : {} }));
      haptic.success();
      await refresh();
    } catch (failure) {
      haptic.error();
      const phoneError = failure instanceof ApiFailure ? failure.fieldErrors.phone : undefined;
      const offline = failure instanceof ApiFailure && failure.isNetwork;
      setDemoError(
        phoneError
          ? fieldErrorText(texts.fieldErrors, phoneError)
          : offline
            ? texts.networkText
            : texts.crashText,
      );
      setPhase("idle");
    }
  }

  const busy = phase === "asking" || phase === "waiting";
  useMainButton(
    phase === "unsupported" && !demo
      ? null
      : {
          text: demo ? texts.demoShare : phase === "not-yet" ? texts.phoneCheckAgain : texts.phoneButton,
          onClick: () => void (demo ? shareInDemo() : phase === "not-yet" ? waitForPhone() : askTelegram()),
          loading: busy,
        },
  );

  return (
    <Page>
      <div className="hero-icon" aria-hidden="true">
        <Icon name="phone" />
      </div>
      <h1 className="page-title">{texts.phoneTitle}</h1>
      <p className="page-intro">{texts.phoneText}</p>

      {phase === "waiting" && <Notice>{texts.phoneWaiting}</Notice>}
      {phase === "not-yet" && <Notice tone="error">{texts.phoneNotYet}</Notice>}
      {phase === "declined" && <Notice tone="error">{texts.phoneDeclined}</Notice>}
      {phase === "unsupported" && !demo && <Notice tone="error">{texts.phoneUnsupported}</Notice>}

      {demo && (
        <Section
          header={
            <>
              <span className="badge">{texts.demoBadge}</span> {texts.demoText}
            </>
          }
          footer={texts.demoPhoneHint}
        >
          <label className="input-cell">
            <span className="input-label">{texts.demoPhoneLabel}</span>
            <input
              type="tel"
              inputMode="tel"
              autoComplete="off"
              placeholder="+7 999 000-01-01"
              value={demoPhone}
              onChange={(event) => setDemoPhone(event.target.value)}
              aria-invalid={demoError !== null}
            />
          </label>
          {demoError && <p className="field-error">{demoError}</p>}
        </Section>
      )}
    </Page>
  );
}
