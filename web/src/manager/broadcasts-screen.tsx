import type { Broadcast } from "@guestcard/shared";
import { Cell, Icon, Loading, Notice, Page, Section } from "../components/layout";
import { formatDate, useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { BroadcastProgress, phaseLabel, segmentSummary } from "./broadcast-parts";
import { openBroadcast, openedBroadcast } from "./manager-state";
import { failureText, sourceDisplayName, useManagerTexts } from "./manager-texts";
import { useLoad } from "./use-load";
import "./manager.css";

/** Source codes → the names managers gave them, for the segment lines ("Came through “Table tents”"). */
function useSourceNames() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  return async (): Promise<Map<string, string>> => {
    const { sources } = await request(api.manager.sources.$get());
    return new Map(sources.map((source) => [source.code, sourceDisplayName(texts, source)]));
  };
}

/** The way in to broadcasts: a new one, and the history with each one's final counts. */
export function ManagerBroadcastsScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const guestTexts = useTexts();
  const { navigate } = useNavigation();
  const sourceNames = useSourceNames();
  const { loaded } = useLoad(async () => {
    const [{ broadcasts }, names] = await Promise.all([
      request(api.manager.broadcasts.$get()),
      sourceNames(),
    ]);
    return { broadcasts: broadcasts as Broadcast[], names };
  });

  return (
    <Page title={texts.broadcasts} intro={texts.broadcastsHint}>
      <Section>
        <Cell
          icon={<Icon name="plane" />}
          title={texts.newBroadcast}
          hint={texts.newBroadcastHint}
          onClick={() => navigate("manager-broadcast-new")}
        />
      </Section>
      {loaded.state === "loading" && <Loading />}
      {loaded.state === "failed" && <Notice tone="error">{failureText(texts, loaded.failure)}</Notice>}
      {loaded.state === "ready" &&
        (loaded.data.broadcasts.length === 0 ? (
          <Notice>{texts.noBroadcasts}</Notice>
        ) : (
          <Section header={texts.broadcastHistory}>
            {loaded.data.broadcasts.map((broadcast) => (
              <Cell
                key={broadcast.id}
                title={<span className="broadcast-title">{firstLine(broadcast.text)}</span>}
                hint={
                  <span data-testid={`broadcast-${broadcast.id}`} data-phase={broadcast.status}>
                    {[
                      formatDate(guestTexts, broadcast.createdAt),
                      phaseLabel(texts, broadcast),
                      texts.historyCounts(broadcast.sent, broadcast.recipients),
                      segmentSummary(texts, broadcast.segment, loaded.data.names),
                    ].join(" · ")}
                  </span>
                }
                onClick={() => {
                  openBroadcast(broadcast.id);
                  navigate("manager-broadcast");
                }}
              />
            ))}
          </Section>
        ))}
    </Page>
  );
}

/** One broadcast from the history: its figures, live while it is still going out. */
export function ManagerBroadcastScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const id = openedBroadcast();
  const sourceNames = useSourceNames();
  const { loaded } = useLoad(async () => {
    const [{ broadcast }, names] = await Promise.all([
      request(api.manager.broadcasts[":id"].$get({ param: { id: String(id) } })),
      sourceNames(),
    ]);
    return { broadcast: broadcast as Broadcast, names };
  }, String(id));

  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "failed") return <Notice tone="error">{failureText(texts, loaded.failure)}</Notice>;
  return (
    <Page title={<span className="broadcast-title">{firstLine(loaded.data.broadcast.text)}</span>}>
      <BroadcastProgress initial={loaded.data.broadcast} texts={texts} sourceNames={loaded.data.names} />
    </Page>
  );
}

/** A broadcast's name in a list: its first non-empty line. */
function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? text;
}
