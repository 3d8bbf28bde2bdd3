import { backButton } from "@telegram-apps/sdk-react";
import { useEffect, useRef } from "react";
import { host } from "../telegram";
import { setBrowserButton } from "./browser-button-state";

/** Telegram's BackButton while the caller is mounted and `onBack` is given; an in-page one outside Telegram. */
export function useBackButton(onBack: (() => void) | null): void {
  const latest = useRef(onBack);
  latest.current = onBack;
  const visible = onBack !== null;

  useEffect(() => {
    if (!visible) return;
    const press = () => latest.current?.();
    if (host() === "browser") {
      setBrowserButton("back", press);
      return () => setBrowserButton("back", null);
    }
    backButton.show.ifAvailable();
    const [subscribed, unsubscribe] = backButton.onClick.ifAvailable(press);
    return () => {
      if (subscribed) unsubscribe();
      backButton.hide.ifAvailable();
    };
  }, [visible]);
}
