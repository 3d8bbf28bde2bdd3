import { useCallback, useEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";

export type Loaded<T> =
  | { state: "loading" }
  | { state: "ready"; data: T }
  | { state: "failed"; failure: ApiFailure };

/**
 * Loads data for a screen, again whenever `key` changes (a period, a source id); `reload` asks
 * again after a change. The newest `load` is used, so callers may pass an inline function.
 */
export function useLoad<T>(load: () => Promise<T>, key = "") {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback(async () => {
    try {
      setLoaded({ state: "ready", data: await latest.current() });
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      setLoaded({ state: "failed", failure: error });
    }
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is what asks for a new load
  useEffect(() => {
    void reload();
  }, [reload, key]);
  const setData = useCallback((data: T) => setLoaded({ state: "ready", data }), []);
  return { loaded, reload, setData };
}
