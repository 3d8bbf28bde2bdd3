import { Notice, Page } from "../components/layout";
import { useTexts } from "../i18n";

/** Placeholder until issue 6 brings this screen; the home screen and the navigator already lead here. */
export function ReviewScreen() {
  const texts = useTexts();
  return (
    <Page title={texts.reviewTitle}>
      <Notice>{texts.comingSoon}</Notice>
    </Page>
  );
}
