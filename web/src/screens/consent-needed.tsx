import { useState } from "react";
import { ApiFailure } from "../api";
import { Icon, Message, Notice } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { myDataCatalogues } from "./my-data-texts";

/**
 * A known guest (from the restaurant's own base) was linked by their phone, but never gave us the
 * personal-data consent: asked once, before anything else; `/api/me` then lets them through.
 */
export function ConsentNeededScreen() {
  const { api, request, refresh } = useSession();
  const texts = useTexts();
  const own = myDataCatalogues[texts.language];
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  useMainButton({
    text: own.consentNeededAgree,
    loading: busy,
    onClick: () => {
      setBusy(true);
      setFailure(null);
      request(api["my-data"].consents["personal-data"].$post())
        .then(() => {
          haptic.success();
          return refresh();
        })
        .catch((error: unknown) => {
          haptic.error();
          if (!(error instanceof ApiFailure)) throw error;
          setFailure(error);
        })
        .finally(() => setBusy(false));
    },
  });
  return (
    <Message icon={<Icon name="shield" />} title={own.consentNeededTitle} text={own.consentNeededText}>
      <Notice>{texts.consentPersonalData}</Notice>
      {failure && <Notice tone="error">{failure.isNetwork ? texts.networkText : texts.crashText}</Notice>}
    </Message>
  );
}
