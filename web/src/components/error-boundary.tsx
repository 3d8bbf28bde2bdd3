import { Component, type ErrorInfo, type ReactNode } from "react";
import { I18nContext } from "../i18n";
import { Icon, Message } from "./layout";

/**
 * The last line of defence: a render error shows an apology with a way out instead of a blank
 * Telegram window. Only the error's name is logged: messages may quote user data.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  static override contextType = I18nContext;
  declare context: React.ContextType<typeof I18nContext>;
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.warn("render failed:", error.name, info.componentStack?.split("\n", 3).join(" "));
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    const texts = this.context;
    if (!texts) return null;
    return (
      <Message icon={<Icon name="alert" />} title={texts.crashTitle} text={texts.crashText}>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          {texts.reload}
        </button>
      </Message>
    );
  }
}
