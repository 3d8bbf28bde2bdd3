import { Notice, Page } from "../components/layout";
import { useTexts } from "../i18n";

/** Placeholder until issue 7 brings this screen; the home screen and the navigator already lead here. */
export function ManagerScreen() {
  const texts = useTexts();
  return (
    <Page title={texts.managerTitle}>
      <Notice>{texts.comingSoon}</Notice>
    </Page>
  );
}
