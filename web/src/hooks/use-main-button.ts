import { mainButton } from "@telegram-apps/sdk-react";
import { useEffect, useRef } from "react";
import { host } from "../telegram";
import { setBrowserButton } from "./browser-button-state";

export interface MainButtonOptions {
  text: string;
  onClick: () => void;
  enabled?: boolean;
  /** Shows Telegram's spinner and ignores taps: a double tap must not submit twice. */
  loading?: boolean;
}

/**
 * Telegram's MainButton for the screen's primary action, shown while the calling component is
 * mounted (pass null to hide it). Outside Telegram an in-page look-alike takes its place.
 */
export function useMainButton(options: MainButtonOptions | null): void {
  const latest = useRef(options);
  latest.current = options;
  // One stable handler for the button's whole life; it reads the newest options when pressed.
  const press = useRef(() => {
    const current = latest.current;
    if (current && (current.enabled ?? true) && !current.loading) current.onClick();
  }).current;
  const visible = options !== null;
  const text = options?.text ?? "";
  const enabled = options?.enabled ?? true;
  const loading = options?.loading ?? false;

  // Subscribed and shown once per appearance; only the parameters change in between, so the
  // button does not blink when its spinner turns on or off.
  useEffect(() => {
    if (!visible) return;
    if (host() === "browser") return () => setBrowserButton("main", null);
    const [subscribed, unsubscribe] = mainButton.onClick.ifAvailable(press);
    return () => {
      if (subscribed) unsubscribe();
      mainButton.setParams.ifAvailable({ isVisible: false, isLoaderVisible: false });
    };
  }, [visible, press]);

  useEffect(() => {
    if (!visible) return;
    if (host() === "browser") setBrowserButton("main", { text, enabled, loading, onClick: press });
    else
      mainButton.setParams.ifAvailable({
        text,
        isVisible: true,
        isEnabled: enabled,
        isLoaderVisible: loading,
      });
  }, [visible, text, enabled, loading, press]);
}
