import { createSourceRequestSchema, issuesToFields, type Source } from "@guestcard/shared";
import { useState } from "react";
import { ApiFailure } from "../api";
import { Cell, Loading, Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { fieldErrorTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { openSource } from "./manager-state";
import { failureText, type ManagerTexts, sourceDisplayName, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

/** Every acquisition source, and a form for a new one; a source opens with its links and QR code. */
export function ManagerSourcesScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const { navigate } = useNavigation();
  const { loaded, reload } = useLoad(() => request(api.manager.sources.$get()));
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const open = (source: Source) => {
    openSource(source.id);
    navigate("manager-source");
  };

  async function create() {
    setFailure(null);
    const parsed = createSourceRequestSchema.safeParse({ name, code: code.trim() === "" ? null : code });
    if (!parsed.success) {
      setErrors(fieldErrorTexts(texts.fieldErrors, issuesToFields(parsed.error.issues)));
      haptic.error();
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const { source } = await request(api.manager.sources.$post({ json: parsed.data }));
      haptic.success();
      setName("");
      setCode("");
      await reload();
      open(source);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      haptic.error();
      if (Object.keys(error.fieldErrors).length > 0)
        setErrors(fieldErrorTexts(texts.fieldErrors, error.fieldErrors));
      else setFailure(failureText(texts, error));
    } finally {
      setSaving(false);
    }
  }

  useMainButton({
    text: texts.create,
    onClick: () => void create(),
    loading: saving,
    enabled: name.trim() !== "",
  });

  const sources = loaded.state === "ready" ? loaded.data.sources : [];
  const active = sources.filter((source) => source.archivedAt === null);
  const archived = sources.filter((source) => source.archivedAt !== null);
  return (
    <Page title={texts.sources}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <Section header={texts.newSource} footer={texts.sourceCodeHint}>
          <label className="input-cell" data-invalid={errors.name ? "" : undefined}>
            <span className="input-label">{texts.sourceName}</span>
            <input
              name="name"
              value={name}
              placeholder={texts.sourceNamePlaceholder}
              maxLength={120}
              onChange={(event) => setName(event.target.value)}
            />
            {errors.name && <span className="field-error">{errors.name}</span>}
          </label>
          <label className="input-cell" data-invalid={errors.code ? "" : undefined}>
            <span className="input-label">{texts.sourceCode}</span>
            <input
              name="code"
              value={code}
              placeholder="tents_nevsky"
              maxLength={64}
              autoCapitalize="off"
              autoCorrect="off"
              spellCheck={false}
              onChange={(event) => setCode(event.target.value)}
            />
            {errors.code && <span className="field-error">{errors.code}</span>}
          </label>
        </Section>
      </form>
      {failure && <Notice tone="error">{failure}</Notice>}

      {loaded.state === "loading" && <Loading />}
      {loaded.state === "failed" && <Notice tone="error">{failureText(texts, loaded.failure)}</Notice>}
      {loaded.state === "ready" && (
        <>
          <Section header={texts.activeSources}>
            {active.map((source) => (
              <SourceCell key={source.id} source={source} texts={texts} onOpen={open} />
            ))}
          </Section>
          {active.length <= 1 && <Notice>{texts.noSources}</Notice>}
          {archived.length > 0 && (
            <Section header={texts.archivedSources}>
              {archived.map((source) => (
                <SourceCell key={source.id} source={source} texts={texts} onOpen={open} />
              ))}
            </Section>
          )}
        </>
      )}
    </Page>
  );
}

function SourceCell({
  source,
  texts,
  onOpen,
}: {
  source: Source;
  texts: ManagerTexts;
  onOpen: (source: Source) => void;
}) {
  return (
    <Cell
      title={sourceDisplayName(texts, source)}
      hint={source.isDefault ? source.links.bot.replace(/^https:\/\//, "") : `?start=${source.code}`}
      onClick={() => onOpen(source)}
    />
  );
}
