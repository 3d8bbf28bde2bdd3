import { DemoLauncherLink } from "../components/demo-launcher-link";
import { Icon, Message } from "../components/layout";
import { useTexts } from "../i18n";

/** Opened without launch parameters: not from Telegram, not from the demo launcher. */
export function NotInTelegramScreen() {
  const texts = useTexts();
  return (
    <Message icon={<Icon name="plane" />} title={texts.outsideTitle} text={texts.outsideText}>
      <DemoLauncherLink>{texts.outsideDemo}</DemoLauncherLink>
    </Message>
  );
}
