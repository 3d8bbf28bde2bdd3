import type { LoyaltyResponse } from "@guestcard/shared";
import { useEffect, useState } from "react";
import { Cell } from "../components/layout";
import { useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";
import { formatPoints, pointsWord, tierDisplayName } from "./format";
import { loadLoyalty } from "./loyalty-request";
import { pointsCatalogues } from "./points-texts";

/** A coin: the points' own icon, drawn like layout.tsx's line icons. */
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
      aria-hidden="true"
    >
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5v9M9.5 9.5h3.75a1.75 1.75 0 0 1 0 3.5H10.5a1.75 1.75 0 0 0 0 3.5H14.5" />
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
  const [loyalty, setLoyalty] = useState<LoyaltyResponse | null>(null);

  useEffect(() => {
    let current = true;
    loadLoyalty({ api, request }).then(
      (answer) => current && setLoyalty(answer),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, request]);

  if (!loyalty) return null;
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
