import { randomInt } from "node:crypto";
import { cardCodeLength, cardPinLength, withDammCheckDigit } from "@guestcard/shared";

/** A fresh PIN and QR code for a card: random digits from the operating system's CSPRNG, each plus its check digit. */
export interface CardIdentifiers {
  pin: string;
  code: string;
}

export type CardIdentifierSource = () => CardIdentifiers;

function randomDigits(count: number): string {
  let digits = "";
  for (let index = 0; index < count; index++) digits += String(randomInt(10));
  return digits;
}

export const randomCardIdentifiers: CardIdentifierSource = () => ({
  pin: withDammCheckDigit(randomDigits(cardPinLength - 1)),
  code: withDammCheckDigit(randomDigits(cardCodeLength - 1)),
});
