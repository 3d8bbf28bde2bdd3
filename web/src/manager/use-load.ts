import { useCallback, useEffect, useState } from "react";
import { ApiFailure } from "../api";

export type Loaded<T> =
  | { state: "loading" }
  | { state: "ready"; data: T }
  | { state: "failed"; failure: ApiFailure };

/** Loads data for a screen; `reload` asks again (after a change, or a retry). */
export function useLoad<T>(load: () => Promise<T>, dependencies: readonly unknown[]) {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on
  const reload = useCallback(async () => {
    try {
      setLoaded({ state: "ready", data: await load() });
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      setLoaded({ state: "failed", failure: error });
    }
  }, dependencies);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { loaded, reload, setData: (data: T) => setLoaded({ state: "ready", data }) };
}
