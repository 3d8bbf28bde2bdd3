import { useState } from "react";
import type { ApiFailure } from "../api";
import { Icon, Message } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { useTexts } from "../i18n";

/** `/api/me` failed for a reason other than authentication: no network, or the server is down. */
export function UnavailableScreen({
  failure,
  onRetry,
}: {
  failure: ApiFailure;
  onRetry: () => Promise<unknown>;
}) {
  const texts = useTexts();
  const [retrying, setRetrying] = useState(false);
  useMainButton({
    text: texts.retry,
    loading: retrying,
    onClick: () => {
      setRetrying(true);
      onRetry().finally(() => setRetrying(false));
    },
  });
  return failure.isNetwork ? (
    <Message icon={<Icon name="wifi" />} title={texts.networkTitle} text={texts.networkText} />
  ) : (
    <Message icon={<Icon name="alert" />} title={texts.crashTitle} text={texts.crashText} />
  );
}
