import { useState } from "react";
import { Icon, Message, Notice } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { formatPhone, useTexts } from "../i18n";
import { useSession } from "../session";

/**
 * `phone_conflict`: the shared number's account is linked to another Telegram user. We never move
 * it ourselves (that would let anyone with a SIM take over a card); staff resolve it, and "check
 * again" picks up their decision.
 */
export function PhoneConflictScreen() {
  const { me, refresh } = useSession();
  const texts = useTexts();
  const [checking, setChecking] = useState(false);
  useMainButton({
    text: texts.phoneCheckAgain,
    loading: checking,
    onClick: () => {
      setChecking(true);
      refresh()
        .catch(() => undefined)
        .finally(() => setChecking(false));
    },
  });
  return (
    <Message
      icon={<Icon name="lock" />}
      title={texts.conflictTitle}
      text={texts.conflictText(formatPhone(me.phone ?? ""))}
    >
      <Notice>{texts.conflictWhatToDo}</Notice>
    </Message>
  );
}
