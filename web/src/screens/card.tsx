import type { CardResponse } from "@guestcard/shared";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { type CachedCard, cachedLiveCard, forgetCard, rememberCard } from "../card/card-cache";
import { CardFace } from "../card/card-face";
import { useServerCountdown } from "../card/use-server-countdown";
import { Loading, Notice, Page } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic, holdStillForScanner } from "../telegram";

type Problem = "offline" | "failed" | "unavailable" | null;

/**
 * The virtual card. Shows the card kept on the phone at once, then confirms it with `GET /api/card`;
 * with none stored it asks for a new one straight away (the guest opened this screen to show it).
 * At zero the card greys out and the MainButton gets a new one in one tap.
 */
export function CardScreen() {
  const { me, api, request, refresh } = useSession();
  const texts = useTexts();
  const userId = me.user.id;
  const holderName = me.account
    ? `${me.account.firstName} ${me.account.lastName}`
    : [me.user.firstName, me.user.lastName].filter(Boolean).join(" ");

  const [cached, setCached] = useState<CachedCard | null>(() => cachedLiveCard(userId));
  const [issuing, setIssuing] = useState(false);
  const [problem, setProblem] = useState<Problem>(null);
  const hadCard = useRef(cached !== null);

  const show = useCallback(
    (card: CardResponse) => {
      hadCard.current = true;
      setCached(rememberCard(userId, card, holderName));
      setProblem(null);
    },
    [userId, holderName],
  );

  const issue = useCallback(async () => {
    setIssuing(true);
    setProblem(null);
    try {
      show(await request(api.card.$post()));
      haptic.success();
    } catch (error) {
      haptic.error();
      if (error instanceof ApiFailure && error.code === "registration_required") void refresh();
      setProblem(error instanceof ApiFailure && error.code === "unavailable" ? "unavailable" : "failed");
    } finally {
      setIssuing(false);
    }
  }, [api, request, refresh, show]);

  const confirm = useCallback(async () => {
    try {
      show(await request(api.card.$get()));
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      if (error.code === "no_card") {
        // Expired, or replaced from another device: the stored one is dead either way.
        forgetCard(userId);
        setCached(null);
        await issue();
      } else if (error.code === "registration_required") {
        forgetCard(userId);
        void refresh();
      } else {
        setProblem(hadCard.current ? "offline" : "failed");
      }
    }
  }, [api, request, refresh, issue, show, userId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: once on open, not on every render
  useEffect(() => {
    // With a stored card, confirm it; without one, the guest is here to show a card: issue it.
    if (hadCard.current) void confirm();
    else void issue();
    // Back from the background (the guest locked the phone at the till): check the card is still the one.
    const onVisible = () => document.visibilityState === "visible" && hadCard.current && void confirm();
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, []);

  // A guest holding the phone to a scanner must not close the app with a slip of the thumb.
  useEffect(holdStillForScanner, []);

  const remainingMs = useServerCountdown(
    cached ? Date.parse(cached.card.expiresAt) : 0,
    cached?.serverOffsetMs ?? 0,
  );
  // Nothing is forgotten at zero: a dead card is dropped the next time the store is read
  // (cachedLiveCard), and the renewed card simply takes its place.
  const expired = cached !== null && remainingMs <= 0;

  const renew = () => void issue();
  const mainButton =
    cached === null
      ? problem === null
        ? null
        : { text: texts.retry, onClick: renew, loading: issuing }
      : expired
        ? { text: texts.cardRenew, onClick: renew, loading: issuing }
        : null;
  useMainButton(mainButton);

  if (!cached) {
    return (
      <Page title={texts.cardTitle}>
        {problem === null ? (
          <>
            <Loading />
            <p className="page-intro card-issuing">{texts.cardIssuing}</p>
          </>
        ) : (
          <Notice tone="error">{problem === "unavailable" ? texts.cardUnavailable : texts.cardFailed}</Notice>
        )}
      </Page>
    );
  }
  return (
    <Page>
      <CardFace card={cached.card} holderName={cached.holderName} remainingMs={remainingMs} />
      {expired ? (
        <p className="page-intro card-instruction">{texts.cardExpiredText}</p>
      ) : (
        <p className="page-intro card-instruction">{texts.cardInstruction}</p>
      )}
      {problem === "offline" && !expired && <Notice>{texts.cardOffline}</Notice>}
      {(problem === "failed" || problem === "unavailable") && (
        <Notice tone="error">{problem === "unavailable" ? texts.cardUnavailable : texts.cardFailed}</Notice>
      )}
      {!expired && <Notice>{texts.cardBrightness}</Notice>}
    </Page>
  );
}

/**
 * The stored card while `/api/me` is still on its way, or when it failed: no buttons, no requests of
 * its own. The guest at the till sees their code the moment the app opens, connection or not; the
 * full screen takes over when the app is ready.
 */
export function CachedCardPreview({
  cached,
  offline = false,
  onExpired,
}: {
  cached: CachedCard;
  /** The server could not be reached: say, quietly, that this is the code kept on the phone. */
  offline?: boolean;
  onExpired?: () => void;
}) {
  const texts = useTexts();
  const remainingMs = useServerCountdown(Date.parse(cached.card.expiresAt), cached.serverOffsetMs);
  const expired = remainingMs <= 0;
  useEffect(() => {
    if (expired) onExpired?.();
  }, [expired, onExpired]);
  return (
    <Page>
      <CardFace card={cached.card} holderName={cached.holderName} remainingMs={remainingMs} />
      <p className="page-intro card-instruction">{expired ? texts.cardExpiredText : texts.cardInstruction}</p>
      {offline && !expired && <Notice>{texts.cardOffline}</Notice>}
      {!expired && <Notice>{texts.cardBrightness}</Notice>}
    </Page>
  );
}
