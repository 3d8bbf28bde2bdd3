import type { LoyaltyResponse, PointMovement } from "@guestcard/shared";
import { useCallback, useEffect, useState } from "react";
import { ApiFailure } from "../api";
import { Loading, Notice, Page, Section } from "../components/layout";
import { useTexts } from "../i18n";
import { formatMoney, formatPoints, pointsWord, tierDisplayName } from "../points/format";
import { loadLoyalty } from "../points/loyalty-request";
import { type PointsTexts, pointsCatalogues } from "../points/points-texts";
import { useSession } from "../session";
import "../points/points.css";

type Loaded =
  | { state: "loading" }
  | { state: "failed" }
  | { state: "ready"; loyalty: LoyaltyResponse; history: PointMovement[]; nextBefore: string | null };

/**
 * The guest's points: balance, tier and the way to the next one, and the history of every movement
 * with its running balance, newest first, paged by `before` (docs/api.md, `GET /api/loyalty`).
 */
export function PointsScreen() {
  const { api, request } = useSession();
  const { locale, language } = useTexts();
  const texts = pointsCatalogues[language];
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useCallback(async () => {
    setLoaded({ state: "loading" });
    try {
      const loyalty = await loadLoyalty({ api, request });
      setLoaded({ state: "ready", loyalty, history: loyalty.history, nextBefore: loyalty.nextBefore });
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      setLoaded({ state: "failed" });
    }
  }, [api, request]);
  useEffect(() => {
    void load();
  }, [load]);

  async function more() {
    if (loaded.state !== "ready" || !loaded.nextBefore) return;
    setLoadingMore(true);
    try {
      const page = await loadLoyalty({ api, request }, loaded.nextBefore);
      setLoaded({ ...loaded, history: [...loaded.history, ...page.history], nextBefore: page.nextBefore });
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
    } finally {
      setLoadingMore(false);
    }
  }

  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "failed") {
    return (
      <Page title={texts.title}>
        <Notice tone="error">{texts.failed}</Notice>
        <button type="button" className="button" onClick={() => void load()}>
          {texts.retry}
        </button>
      </Page>
    );
  }
  const { loyalty, history, nextBefore } = loaded;
  const points = (value: number, signed = false) =>
    `${formatPoints(value, locale, signed)} ${pointsWord(value, locale, texts.pointsWords)}`;
  return (
    <Page title={texts.title}>
      <Balance loyalty={loyalty} texts={texts} locale={locale} points={points} />
      <Section header={texts.history}>
        {history.length === 0 ? (
          <p className="points-empty">{texts.empty}</p>
        ) : (
          <ol className="points-history">
            {history.map((movement) => (
              <Movement
                // Movements have no id of their own; a guest's movements are decided one at a time,
                // so time, kind and the running balance tell them apart.
                key={`${movement.at}:${movement.kind}:${movement.points}:${movement.balanceAfter}`}
                movement={movement}
                texts={texts}
                locale={locale}
                points={points}
              />
            ))}
          </ol>
        )}
      </Section>
      {nextBefore && (
        <button
          type="button"
          className="button button-plain"
          disabled={loadingMore}
          onClick={() => void more()}
        >
          {loadingMore ? <span className="spinner" /> : texts.more}
        </button>
      )}
    </Page>
  );
}

function Balance({
  loyalty,
  texts,
  locale,
  points,
}: {
  loyalty: LoyaltyResponse;
  texts: PointsTexts;
  locale: string;
  points: (value: number) => string;
}) {
  const { tier } = loyalty;
  const next = tier.nextTier;
  // Whole percent, integer steps only; the bar is decoration, the sentence beside it is the figure.
  const progress =
    next && next.spentToReach > 0 ? Math.min(100, Math.floor((tier.spent * 100) / next.spentToReach)) : 100;
  return (
    <section className="points-balance" aria-label={texts.balance}>
      <span className="points-balance-label">{texts.balance}</span>
      <span className="points-balance-figure" data-balance={loyalty.balance}>
        {points(loyalty.balance)}
      </span>
      <span className="points-tier">
        {texts.tier(tierDisplayName(tier.name, texts.defaultTier), tier.earnPercent)}
      </span>
      {next && (
        <>
          <div
            className="points-progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress}
          >
            <span style={{ width: `${progress}%` }} />
          </div>
          <span className="points-next">
            {texts.nextTier(formatMoney(next.remaining, locale), next.name)}
          </span>
        </>
      )}
      <span className="points-note">{texts.spent(formatMoney(tier.spent, locale))}</span>
      <span className="points-note">{texts.howToSpend(loyalty.maxRedeemPercent)}</span>
    </section>
  );
}

function Movement({
  movement,
  texts,
  locale,
  points,
}: {
  movement: PointMovement;
  texts: PointsTexts;
  locale: string;
  points: (value: number, signed?: boolean) => string;
}) {
  const when = new Date(movement.at).toLocaleString(locale, {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const bill =
    movement.checkId !== null && movement.total !== null
      ? texts.bill(movement.checkId, formatMoney(movement.total, locale))
      : null;
  const balanceAfter = texts.balanceAfter(points(movement.balanceAfter));
  return (
    <li className="points-movement" data-kind={movement.kind} data-points={movement.points}>
      <div className="points-movement-row">
        <span className="points-movement-kind">{texts.kinds[movement.kind]}</span>
        <span className={movement.points < 0 ? "points-minus" : "points-plus"}>
          {points(movement.points, true)}
        </span>
      </div>
      <div className="points-movement-row points-note">
        <span>
          {when}
          {movement.terminal !== null && ` · ${texts.till(movement.terminal)}`}
        </span>
        {!bill && <span data-balance-after={movement.balanceAfter}>{balanceAfter}</span>}
      </div>
      {bill && (
        <div className="points-movement-row points-note">
          <span>{bill}</span>
          <span data-balance-after={movement.balanceAfter}>{balanceAfter}</span>
        </div>
      )}
    </li>
  );
}
