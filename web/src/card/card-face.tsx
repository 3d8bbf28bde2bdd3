import type { CardResponse } from "@guestcard/shared";
import { QRCodeSVG } from "qrcode.react";
import { useTexts } from "../i18n";
import { formatCountdown } from "./use-server-countdown";
import "./card.css";

interface CardFaceProps {
  card: CardResponse;
  holderName: string;
  remainingMs: number;
}

/** "482913" → "482 913": two groups of three are easier to read out and to hear. */
export function groupPin(pin: string): string {
  return pin.replace(/^(\d{3})(\d{3})$/, "$1 $2");
}

/**
 * The card as the till sees it: a black-on-white QR of `code` across the whole width (whatever the
 * Telegram theme, scanners want dark modules on light), the PIN in big grouped digits, and the time
 * left as a ring and mm:ss. At zero everything greys out under an "Expired" stamp.
 */
export function CardFace({ card, holderName, remainingMs }: CardFaceProps) {
  const texts = useTexts();
  const expired = remainingMs <= 0;
  const share = card.ttlSeconds > 0 ? Math.min(1, remainingMs / (card.ttlSeconds * 1000)) : 0;
  const ringRadius = 28;
  const ringLength = 2 * Math.PI * ringRadius;
  return (
    <div
      className={expired ? "guest-card guest-card-expired" : "guest-card"}
      data-card-state={expired ? "expired" : "live"}
      data-ending={!expired && remainingMs <= 30_000 ? "" : undefined}
    >
      <div className="guest-card-holder">{holderName}</div>
      <div className="guest-card-qr">
        <QRCodeSVG
          value={card.code}
          size={320}
          level="M"
          marginSize={2}
          bgColor="#ffffff"
          fgColor="#000000"
          title={texts.cardQrLabel(holderName)}
        />
        {expired && <div className="guest-card-stamp">{texts.cardExpired}</div>}
      </div>
      <div className="guest-card-footer">
        <div className="guest-card-pin-block">
          <span className="guest-card-label">{texts.cardPin}</span>
          <span className="guest-card-pin" data-pin={card.pin}>
            {groupPin(card.pin)}
          </span>
        </div>
        <div
          className="guest-card-timer"
          role="timer"
          aria-label={expired ? texts.cardExpired : texts.cardTimeLeft}
        >
          <svg viewBox="0 0 64 64" width="64" height="64" aria-hidden="true">
            <circle className="guest-card-ring-track" cx="32" cy="32" r={ringRadius} />
            <circle
              className="guest-card-ring"
              cx="32"
              cy="32"
              r={ringRadius}
              strokeDasharray={ringLength}
              strokeDashoffset={ringLength * (1 - share)}
            />
          </svg>
          <span className="guest-card-countdown" data-countdown>
            {formatCountdown(remainingMs)}
          </span>
        </div>
      </div>
    </div>
  );
}
