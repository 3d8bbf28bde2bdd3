import { Notice, Page } from "../components/layout";
import { useTexts } from "../i18n";

/** Placeholder for the till's page (issue 5). Loaded only on /cashier, never by a guest. */
export function CashierScreen() {
  const texts = useTexts();
  return (
    <Page title="Guestcard · POS">
      <Notice>{texts.comingSoon}</Notice>
    </Page>
  );
}
