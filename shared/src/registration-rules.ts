/*
 * The registration rules as plain constants, apart from the schema in registration.ts: the web
 * needs them on its first screen, and importing them must not pull zod into that download.
 */

/**
 * Version of the consent texts the Mini App shows. Bump it whenever the wording of either
 * consent changes in any language: every stored consent records the version the guest saw.
 */
export const consentTextVersion = "2025-06-01";

export const nameMaxLength = 100;
export const earliestBirthday = "1900-01-01";
