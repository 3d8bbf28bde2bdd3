import type { MeResponse } from "@guestcard/shared";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { type ApiClient, ApiFailure, call } from "./api";
import { CardWhileLoading } from "./card/card-while-loading";
import { Loading } from "./components/layout";
import { TelegramReady } from "./components/telegram-ready";
import { GuestNavigator } from "./navigation";
import { PhoneScreen } from "./screens/phone";
import { PhoneConflictScreen } from "./screens/phone-conflict";
import { SessionExpiredScreen } from "./screens/session-expired";
import { UnavailableScreen } from "./screens/unavailable";
import { type Session, SessionContext } from "./session";
import type { Launch } from "./telegram";

type State =
  | { kind: "loading" }
  | { kind: "ready"; me: MeResponse }
  | { kind: "unavailable"; failure: ApiFailure }
  | { kind: "expired" };

// Only new guests register, once: returning guests (most of them, at the till) never download the form.
const RegistrationScreen = lazy(() =>
  import("./screens/registration").then((module) => ({ default: module.RegistrationScreen })),
);

// Only known guests from the restaurant's base see this, once.
const ConsentNeededScreen = lazy(() =>
  import("./screens/consent-needed").then((module) => ({ default: module.ConsentNeededScreen })),
);

/** Screens for each status of `GET /api/me`: the server decides where the guest is in the journey. */
const statusScreens = {
  needs_phone: PhoneScreen,
  needs_registration: RegistrationScreen,
  phone_conflict: PhoneConflictScreen,
  registered: GuestNavigator,
} satisfies Record<MeResponse["status"], React.ComponentType>;

interface GuestAppProps {
  launch: Launch;
  api: ApiClient;
  /** `/api/me`, already requested while the app was starting. */
  firstMe: Promise<MeResponse>;
}

export function GuestApp({ launch, api, firstMe }: GuestAppProps) {
  const [state, setState] = useState<State>({ kind: "loading" });

  const request = useCallback<typeof call>(async (pending) => {
    try {
      return await call(pending);
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) setState({ kind: "expired" });
      throw error;
    }
  }, []);

  const refresh = useCallback(async () => {
    const me = await request(api.me.$get());
    setState({ kind: "ready", me });
    return me;
  }, [api, request]);

  const settle = useCallback((pending: Promise<MeResponse>) => {
    return pending.then(
      (me) => setState({ kind: "ready", me }),
      (error: unknown) => {
        if (!(error instanceof ApiFailure)) throw error;
        setState(error.status === 401 ? { kind: "expired" } : { kind: "unavailable", failure: error });
      },
    );
  }, []);
  const retry = useCallback(() => settle(call(api.me.$get())), [api, settle]);

  useEffect(() => {
    void settle(firstMe);
  }, [firstMe, settle]);

  // Unreachable: try again as soon as the phone says it is back online.
  const unavailable = state.kind === "unavailable";
  useEffect(() => {
    if (!unavailable) return;
    const onOnline = () => void retry();
    window.addEventListener("online", onOnline);
    return () => window.removeEventListener("online", onOnline);
  }, [unavailable, retry]);

  if (state.kind === "loading")
    return <CardWhileLoading rawInitData={launch.rawInitData} fallback={<Loading />} />;
  if (state.kind === "expired")
    return (
      <>
        <SessionExpiredScreen />
        <TelegramReady />
      </>
    );
  if (state.kind === "unavailable")
    // At the till with no connection, the card kept on the phone is what the guest needs, not an error.
    return (
      <CardWhileLoading
        rawInitData={launch.rawInitData}
        offline
        fallback={
          <>
            <UnavailableScreen failure={state.failure} onRetry={retry} />
            <TelegramReady />
          </>
        }
      />
    );

  const session: Session = { launch, me: state.me, api, refresh, request };
  const Screen =
    state.me.status === "registered" && state.me.consentRequired
      ? ConsentNeededScreen
      : statusScreens[state.me.status];
  return (
    <SessionContext.Provider value={session}>
      <Suspense fallback={<Loading />}>
        <div className="screen" key={`${state.me.status}:${state.me.consentRequired}`}>
          <Screen />
        </div>
        {/* The navigator's screens load inside its own Suspense; it tells Telegram from there. */}
        {(state.me.status !== "registered" || state.me.consentRequired) && <TelegramReady />}
      </Suspense>
    </SessionContext.Provider>
  );
}
