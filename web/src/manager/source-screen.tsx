import { issuesToFields, type Source, updateSourceRequestSchema } from "@guestcard/shared";
import { useState } from "react";
import { ApiFailure } from "../api";
import { Loading, Notice, Page, Section } from "../components/layout";
import { fieldErrorText, formatDate, useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { openedSource } from "./manager-state";
import { failureText, sourceDisplayName, useManagerTexts } from "./manager-texts";
import { CopyableLink, QrPoster } from "./qr-poster";
import { useLoad } from "./use-load";
import "./manager.css";

/** One source: its two links with copy buttons, its printable QR code, rename and archive. */
export function ManagerSourceScreen() {
  const { api, request, me } = useSession();
  const texts = useManagerTexts();
  const guestTexts = useTexts();
  const id = openedSource();
  const { loaded, setData } = useLoad(async () => {
    const [{ sources }, { restaurantName }] = await Promise.all([
      request(api.manager.sources.$get()),
      request(api.manager.settings.$get()),
    ]);
    const source = sources.find((candidate) => candidate.id === id);
    return source ? { ...source, restaurantName } : null;
  }, String(id));
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "failed") return <Notice tone="error">{failureText(texts, loaded.failure)}</Notice>;
  const source = loaded.data;
  if (!source) return <Notice tone="error">{texts.failed}</Notice>;
  const { restaurantName } = source;

  async function update(change: { name?: string; archived?: boolean }) {
    const parsed = updateSourceRequestSchema.safeParse(change);
    if (!parsed.success) {
      const [first] = Object.values(issuesToFields(parsed.error.issues));
      setError(first ? fieldErrorText(texts.fieldErrors, first) : texts.failed);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const updated = await request(
        api.manager.sources[":id"].$patch({ param: { id: String(source?.id) }, json: parsed.data }),
      );
      setData({ ...(updated.source as Source), restaurantName });
      setName(null);
      haptic.success();
    } catch (failure) {
      if (!(failure instanceof ApiFailure)) throw failure;
      haptic.error();
      setError(failureText(texts, failure));
    } finally {
      setSaving(false);
    }
  }

  const editing = name !== null;
  return (
    <Page
      title={sourceDisplayName(texts, source)}
      intro={source.archivedAt ? texts.archivedOn(formatDate(guestTexts, source.archivedAt)) : undefined}
    >
      <Section>
        <CopyableLink label={texts.botLinkLabel} link={source.links.bot} />
        <CopyableLink label={texts.miniAppLinkLabel} link={source.links.miniApp} />
      </Section>
      <Section>
        <QrPoster
          link={source.links.bot}
          poster={{ restaurant: restaurantName, sourceLabel: sourceDisplayName(texts, source) }}
          fileCode={source.code}
        />
      </Section>
      <Section>
        {editing ? (
          <form
            className="rename-form"
            onSubmit={(event) => {
              event.preventDefault();
              void update({ name });
            }}
          >
            <label className="input-cell">
              <span className="input-label">{texts.sourceName}</span>
              <input
                name="name"
                value={name}
                maxLength={120}
                onChange={(event) => setName(event.target.value)}
              />
            </label>
            <button type="submit" className="button button-small" disabled={saving}>
              {texts.save}
            </button>
          </form>
        ) : (
          <button type="button" className="cell cell-action" onClick={() => setName(source.name)}>
            {texts.rename}
          </button>
        )}
        {!source.isDefault && (
          <button
            type="button"
            className={`cell cell-action${source.archivedAt ? "" : " cell-destructive"}`}
            disabled={saving}
            onClick={() => void update({ archived: source.archivedAt === null })}
          >
            {source.archivedAt ? texts.restore : texts.archive}
          </button>
        )}
      </Section>
      {source.isDefault && <Notice>{texts.cannotArchiveDefault}</Notice>}
      {me.demo && !source.isDefault && (
        // No Telegram in the demo: the launcher opens the Mini App with this code as `start_param`.
        <a className="button button-plain" href={`/demo?${new URLSearchParams({ startapp: source.code })}`}>
          {texts.demoTry}
        </a>
      )}
      {error && <Notice tone="error">{error}</Notice>}
    </Page>
  );
}
