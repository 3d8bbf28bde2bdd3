import { useSyncExternalStore } from "react";

/**
 * In a plain browser tab there is no Telegram to draw the MainButton and BackButton, so the hooks
 * publish them here and `BrowserButtons` draws look-alikes. One slot each, like Telegram's.
 */
export interface BrowserMainButton {
  text: string;
  enabled: boolean;
  loading: boolean;
  onClick: () => void;
}

interface Slots {
  main: BrowserMainButton | null;
  back: (() => void) | null;
}

let slots: Slots = { main: null, back: null };
const listeners = new Set<() => void>();

export function setBrowserButton<K extends keyof Slots>(slot: K, value: Slots[K]): void {
  slots = { ...slots, [slot]: value };
  for (const listener of listeners) listener();
}

export function useBrowserButtons(): Slots {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => slots,
  );
}
