import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { type ApiClient, call, createApiClient } from "./api";
import { showCannotLoad } from "./cannot-load";
import { BrowserButtons } from "./components/browser-buttons";
import { ErrorBoundary } from "./components/error-boundary";
import { Loading } from "./components/layout";
import type { FirstRequests } from "./first-requests";
import { GuestApp } from "./guest-app";
import { type Catalogue, I18nContext, loadCatalogue } from "./i18n";
import { NotInTelegramScreen } from "./screens/not-in-telegram";
import { signalReady, startTelegram } from "./telegram";

// Staff pages live in the same build but are never part of a guest's download.
const CashierScreen = lazy(() =>
  import("./screens/cashier").then((module) => ({ default: module.CashierScreen })),
);

function render(texts: Catalogue, page: React.ReactNode) {
  createRoot(document.getElementById("root") as HTMLElement).render(
    <StrictMode>
      <I18nContext.Provider value={texts}>
        <ErrorBoundary>
          {page}
          <BrowserButtons />
        </ErrorBoundary>
      </I18nContext.Provider>
    </StrictMode>,
  );
}

function cannotLoad() {
  showCannotLoad();
  signalReady(); // Telegram's loader would otherwise hide the message
}

/** The app proper, run by the entry (main.tsx) with the requests it already sent. */
export function startApp(first: FirstRequests) {
  if (window.location.pathname.startsWith("/cashier")) {
    // A till's browser, not Telegram: no launch parameters, no SDK.
    loadCatalogue(navigator.language).then(
      (texts) => render(texts, <Suspense fallback={<Loading />}>{<CashierScreen />}</Suspense>),
      cannotLoad,
    );
    return;
  }
  const launch = startTelegram();
  if (!launch) {
    loadCatalogue(navigator.language).then((texts) => render(texts, <NotInTelegramScreen />), cannotLoad);
    return;
  }
  const api = createApiClient(launch.rawInitData);
  // The entry's /api/me counts only if it carried exactly the initData the SDK found.
  const sentEarly = first.me !== null && first.rawInitData === launch.rawInitData;
  // `call` reads a fetch Response the way it reads the typed client's (status, ok, json()).
  const firstMe = call(
    sentEarly ? (first.me as unknown as ReturnType<ApiClient["me"]["$get"]>) : api.me.$get(),
  );
  firstMe.catch(() => undefined); // handled by GuestApp; this only keeps the console quiet meanwhile
  loadCatalogue(launch.languageCode).then(
    (texts) => render(texts, <GuestApp launch={launch} api={api} firstMe={firstMe} />),
    cannotLoad,
  );
}
