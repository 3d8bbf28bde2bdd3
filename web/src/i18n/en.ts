import type { FieldErrorKey } from "@guestcard/shared";

/** English texts. The Russian catalogue must have exactly the same keys (the type checks it). */
export const en = {
  locale: "en-GB",
  loading: "Loading…",
  retry: "Try again",
  back: "Back",
  close: "Close",
  cancel: "Cancel",
  optional: "optional",
  notGiven: "not given",

  networkTitle: "No connection",
  networkText: "We couldn't reach the restaurant's server. Check the internet and try again.",
  crashTitle: "Something went wrong",
  crashText: "Please try again. If it happens again, close the app and open it from the bot.",
  reload: "Reload",
  sessionTitle: "Please reopen the app",
  sessionText:
    "Your Telegram session has expired. Close this window and open the loyalty card again from the bot.",
  sessionDemoText: "This demo link has expired. Open the demo launcher again.",
  outsideTitle: "Open this from Telegram",
  outsideText:
    "Guestcard is a loyalty card that lives in the restaurant's Telegram bot. Open the bot and tap the button to launch it.",
  outsideDemo: "Just trying it out? Open the demo",

  phoneTitle: "Share your phone number",
  phoneText:
    "Your phone number is the number of your loyalty card. Telegram shares it with us once, so you never type it, and it can only be your own.",
  phoneButton: "Share phone number",
  phoneWaiting: "Waiting for Telegram to pass your number on…",
  phoneNotYet:
    "We haven't received your number yet. If you have just shared it, wait a moment and check again.",
  phoneCheckAgain: "Check again",
  phoneDeclined: "You haven't shared your number. Without it we can't find or create your card.",
  phoneUnsupported:
    "This Telegram app can't share your number from here. Close this window and tap “Share phone number” in the bot chat.",
  demoBadge: "Demo",
  demoText: "There is no Telegram here, so share a made-up number instead.",
  demoPhoneLabel: "Phone number",
  demoPhoneHint:
    "Leave it empty to use this demo guest's number, or enter the number of a guest already in the base to see them linked.",
  demoShare: "Share a demo number",

  registrationTitle: "Join the loyalty programme",
  registrationText: "A few details and your card is ready.",
  lastName: "Surname",
  firstName: "First name",
  middleName: "Middle name",
  gender: "Gender",
  male: "Male",
  female: "Female",
  genderUnset: "Not specified",
  birthday: "Birthday",
  email: "E-mail",
  phone: "Phone",
  phoneFromTelegram: "From Telegram. It identifies your card, so it can't be edited.",
  consentPersonalData:
    "I agree to the processing of my personal data (name, phone, gender, birthday, e-mail) so the restaurant can run my loyalty card.",
  consentMarketing: "Send me offers and news. I can turn this off at any time in “My data”.",
  register: "Create my card",
  registered: "Your card is ready",

  hello: (name: string) => `Hello, ${name}!`,
  homeText: "Show your card at the till and the cashier will recognise you as our guest.",
  showCard: "Show card",
  cardTitle: "Loyalty card",
  cardHint: "QR code and PIN for the cashier",
  reviewTitle: "Write a review",
  reviewHint: "Goes straight to the managers",
  myDataTitle: "My data",
  myDataHint: "What we store, consents, deleting",
  managerTitle: "Manager tools",
  managerHint: "Sources, statistics, settings",
  comingSoon: "This part of the app is on its way.",

  profile: "Profile",
  telegram: "Telegram",
  username: "Username",
  telegramId: "Telegram ID",
  memberSince: "Card since",
  consents: "Consents",
  consentPersonalDataShort: "Personal data processing",
  consentMarketingShort: "Offers and news",
  consentGiven: (date: string) => `Given on ${date}`,
  consentWithdrawn: (date: string) => `Withdrawn on ${date}`,
  consentNever: "Not given",
  consentVersion: (version: string) => `Text version ${version}`,
  withdrawMarketing: "Stop offers and news",
  marketingWithdrawn: "You won't receive offers and news any more.",
  activity: "Activity",
  reviewsSent: "Reviews sent",
  cardsIssued: "Cards issued",
  deleteAccount: "Delete my account",
  deleteTitle: "Delete your account?",
  deleteText:
    "Your name, birthday, e-mail, phone and consents will be erased and this Telegram account unlinked. Your card stops working at once. This can't be undone.",
  deleteConfirm: "Delete for good",

  conflictTitle: "This number belongs to another account",
  conflictText: (phone: string) =>
    `The number ${phone} is already linked to a loyalty card used from another Telegram account. To keep cards safe we never move a number by ourselves.`,
  conflictWhatToDo: "Please ask the staff: a manager will check it and link the card to you.",

  fieldErrors: {
    required: "Please fill this in",
    tooLong: "Too long: 100 characters at most",
    badEmail: "This doesn't look like an e-mail address",
    badDate: "Enter a date",
    birthdayInFuture: "This date is in the future",
    birthdayTooEarly: "Dates before 1900 aren't accepted",
    consentRequired: "We need this consent to create your card",
  } satisfies Record<FieldErrorKey, string>,
};

export type Catalogue = typeof en;
