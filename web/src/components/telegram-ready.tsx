import { useLayoutEffect } from "react";
import { signalReady } from "../telegram";

/**
 * Rendered beside a screen, inside the same Suspense boundary: it commits only together with the
 * screen itself (not with a loading fallback), and tells Telegram to drop its loader before the
 * browser paints that screen.
 */
export function TelegramReady() {
  useLayoutEffect(() => signalReady(), []);
  return null;
}
