import { useBrowserButtons } from "../hooks/browser-button-state";
import { useTexts } from "../i18n";

/** Stand-ins for Telegram's BackButton and MainButton, drawn only in a plain browser tab. */
export function BrowserButtons() {
  const { main, back } = useBrowserButtons();
  const texts = useTexts();
  return (
    <>
      {back && (
        <div className="browser-top">
          <button type="button" className="browser-back" onClick={back}>
            ‹ {texts.back}
          </button>
        </div>
      )}
      {main && (
        <div className="browser-main">
          <button
            type="button"
            className="button"
            onClick={main.onClick}
            disabled={!main.enabled}
            aria-busy={main.loading}
          >
            {main.loading ? (
              <>
                <span className="spinner" />
                <span className="visually-hidden">{texts.loading}</span>
              </>
            ) : (
              main.text
            )}
          </button>
        </div>
      )}
    </>
  );
}
