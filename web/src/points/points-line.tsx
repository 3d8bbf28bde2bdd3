import type { LoyaltyResponse } from "@guestcard/shared";
import { useEffect, useState } from "react";
import { Cell, CellSpace } from "../components/layout";
import { useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { formatPoints, pointsWord, tierDisplayName } from "./format";
import { loadLoyalty } from "./loyalty-request";
import { pointsCatalogues } from "./points-texts";

/** A star: the points' own icon, drawn like layout.tsx's line icons. */
export function PointsIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      width="24"
      height="24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8L12 16.9l-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z" />
    </svg>
  );
}

/**
 * Home's line for points: the balance and the tier, one tap to the Points screen. Loaded after home
 * has shown (its own chunk), so home never waits for it; a failure leaves the line out quietly —
 * the Points screen says what went wrong if the guest opens it from elsewhere.
 */
export function PointsLine() {
  const { api, request } = useSession();
  const { locale, language } = useTexts();
  const texts = pointsCatalogues[language];
  const { navigate } = useNavigation();
  // undefined while loading, null when it failed.
  const [loyalty, setLoyalty] = useState<LoyaltyResponse | null>();

  useEffect(() => {
    let current = true;
    loadLoyalty({ api, request }).then(
      (answer) => current && setLoyalty(answer),
      () => current && setLoyalty(null),
    );
    return () => {
      current = false;
    };
  }, [api, request]);

  // Its room is kept while it loads (home.tsx shows the same while this chunk arrives).
  if (loyalty === undefined) return <CellSpace />;
  if (loyalty === null) return null;
  const { balance, tier } = loyalty;
  return (
    <Cell
      icon={<PointsIcon />}
      title={
        <span data-points-balance={balance}>
          {formatPoints(balance, locale)} {pointsWord(balance, locale, texts.pointsWords)} ·{" "}
          {tierDisplayName(tier.name, texts.defaultTier)}
        </span>
      }
      hint={texts.homeHint}
      onClick={() => navigate("points")}
    />
  );
}
