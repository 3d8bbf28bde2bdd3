import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { call, createApiClient } from "./api";
import { BrowserButtons } from "./components/browser-buttons";
import { ErrorBoundary } from "./components/error-boundary";
import { Loading } from "./components/layout";
import { GuestApp } from "./guest-app";
import { type Catalogue, I18nContext, loadCatalogue } from "./i18n";
import { NotInTelegramScreen } from "./screens/not-in-telegram";
import { startTelegram } from "./telegram";
import "./styles.css";

// Staff pages live in the same build but are never part of a guest's download.
const CashierScreen = lazy(() =>
  import("./screens/cashier").then((module) => ({ default: module.CashierScreen })),
);

const root = document.getElementById("root") as HTMLElement;

function render(texts: Catalogue, page: React.ReactNode) {
  createRoot(root).render(
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

/** Without any texts React has nothing to say; this is the one message that needs none. */
function cannotLoad() {
  root.textContent = "⚠︎ No connection · Нет связи — reload / обновите страницу";
  root.className = "cannot-load";
}

if (window.location.pathname.startsWith("/cashier")) {
  // A till's browser, not Telegram: no launch parameters, no SDK.
  loadCatalogue(navigator.language).then(
    (texts) => render(texts, <Suspense fallback={<Loading />}>{<CashierScreen />}</Suspense>),
    cannotLoad,
  );
} else {
  const launch = startTelegram();
  if (launch) {
    // Ask who the guest is while their language's texts are still on the way.
    const api = createApiClient(launch.rawInitData);
    const firstMe = call(api.me.$get());
    firstMe.catch(() => undefined); // handled by GuestApp; this only keeps the console quiet meanwhile
    loadCatalogue(launch.languageCode).then(
      (texts) => render(texts, <GuestApp launch={launch} api={api} firstMe={firstMe} />),
      cannotLoad,
    );
  } else {
    loadCatalogue(navigator.language).then((texts) => render(texts, <NotInTelegramScreen />), cannotLoad);
  }
}
