import { DemoLauncherLink } from "../components/demo-launcher-link";
import { Icon, Message } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { useTexts } from "../i18n";
import { closeMiniApp, host } from "../telegram";

/**
 * The API refused the initData (401): it is older than INIT_DATA_MAX_AGE_SECONDS, or not Telegram's.
 * Only Telegram can sign fresh launch data, so the way out is to reopen the app from the bot.
 */
export function SessionExpiredScreen() {
  const texts = useTexts();
  const inTelegram = host() === "telegram";
  useMainButton(inTelegram ? { text: texts.close, onClick: closeMiniApp } : null);
  return (
    <Message
      icon={<Icon name="lock" />}
      title={texts.sessionTitle}
      text={inTelegram ? texts.sessionText : texts.sessionDemoText}
    >
      {!inTelegram && <DemoLauncherLink>{texts.outsideDemo}</DemoLauncherLink>}
    </Message>
  );
}
