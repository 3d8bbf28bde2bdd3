import { Notice, Page } from "../components/layout";
import { useTexts } from "../i18n";

/** Placeholder until issue 5 brings this screen; the home screen and the navigator already lead here. */
export function CardScreen() {
  const texts = useTexts();
  return (
    <Page title={texts.cardTitle}>
      <Notice>{texts.comingSoon}</Notice>
    </Page>
  );
}
