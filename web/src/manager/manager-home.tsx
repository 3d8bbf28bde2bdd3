import { Cell, Icon, Loading, Notice, Page, Section } from "../components/layout";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { useGuestRecordTexts } from "./guest-records-texts";
import { failureText, useManagerTexts } from "./manager-texts";
import { CopyableLink, QrPoster } from "./qr-poster";
import { useLoad } from "./use-load";
import "./manager.css";

/** The manager's start: the plain bot link as a printable QR code (the seed's first promise), and the tools. */
export function ManagerScreen() {
  const { api, request } = useSession();
  const texts = useManagerTexts();
  const guestRecordTexts = useGuestRecordTexts();
  const { navigate } = useNavigation();
  const { loaded } = useLoad(async () => {
    const [sources, settings] = await Promise.all([
      request(api.manager.sources.$get()),
      request(api.manager.settings.$get()),
    ]);
    return { bot: sources.bot, restaurantName: settings.restaurantName };
  });

  return (
    <Page title={texts.title}>
      <Section header={texts.botLinkTitle} footer={texts.botLinkText}>
        {loaded.state === "loading" && <Loading />}
        {loaded.state === "failed" && <Notice tone="error">{failureText(texts, loaded.failure)}</Notice>}
        {loaded.state === "ready" && (
          <>
            <QrPoster
              link={loaded.data.bot.botLink}
              poster={{ restaurant: loaded.data.restaurantName }}
              fileCode="bot"
            />
            <CopyableLink label={`@${loaded.data.bot.botUsername}`} link={loaded.data.bot.botLink} />
          </>
        )}
      </Section>
      <Section>
        <Cell
          icon={<Icon name="chart" />}
          title={texts.pointsTitle}
          hint={texts.pointsHint}
          onClick={() => navigate("manager-points")}
        />
        <Cell
          icon={<Icon name="qr" />}
          title={texts.sources}
          hint={texts.sourcesHint}
          onClick={() => navigate("manager-sources")}
        />
        <Cell
          icon={<Icon name="plane" />}
          title={texts.broadcasts}
          hint={texts.broadcastsHint}
          onClick={() => navigate("manager-broadcasts")}
        />
        <Cell
          icon={<Icon name="chart" />}
          title={texts.funnel}
          hint={texts.funnelHint}
          onClick={() => navigate("manager-funnel")}
        />
        <Cell
          icon={<Icon name="card" />}
          title={texts.settings}
          hint={texts.settingsHint}
          onClick={() => navigate("manager-settings")}
        />
        <Cell
          icon={<Icon name="review" />}
          title={texts.importTitle}
          hint={texts.importHint}
          onClick={() => navigate("manager-import")}
        />
        <Cell
          icon={<Icon name="phone" />}
          title={guestRecordTexts.guests}
          hint={guestRecordTexts.guestsHint}
          onClick={() => navigate("manager-guests")}
        />
        <Cell
          icon={<Icon name="alert" />}
          title={guestRecordTexts.conflicts}
          hint={guestRecordTexts.conflictsHint}
          onClick={() => navigate("manager-conflicts")}
        />
      </Section>
    </Page>
  );
}
