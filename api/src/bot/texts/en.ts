import type { BotTexts } from "./bot-texts";

export const en: BotTexts = {
  greetingNeedsPhone: (firstName, restaurant) =>
    `Hello, ${firstName}! This is the guest card of ${restaurant}.\n\n` +
    "Share your phone number with the button below — one tap — and your virtual card is ready. " +
    "We use the number only to find your guest account.",
  greetingWithPhone: (firstName, restaurant) =>
    `Hello, ${firstName}! Your ${restaurant} guest card is one tap away.`,
  sharePhoneButton: "📱 Share phone number",
  openCardButton: "💳 Open my card",
  registerButton: "📝 Register",
  openFromMenuHint: "Open it with the menu button next to the message field.",

  phoneReceived: "Thank you, your number is in ✅",
  linked: "Welcome back! We found your guest account — your card is ready.",
  needsRegistration: "One more step: fill in a short form and your card is ready.",
  alreadyRegistered: "Your card is already set up.",
  phoneConflict:
    "This number is already linked to another Telegram account, so we could not link it to this one. " +
    "The managers have been told and will check it; the bot will write to you once they decide.",

  foreignContact:
    "Please share your own number: tap the button below. A contact of someone else cannot be used.",
  unreadablePhone: "We could not read that phone number. Please try again with the button below.",
  fallbackNeedsPhone: "To get your card, share your phone number with the button below.",
  fallbackWithPhone: "Your card is in the app: tap the button below.",

  managerPhoneConflict: ({ guest, holder, phone }) =>
    "⚠️ <b>Phone conflict</b>\n" +
    `${guest} shared the number ${phone}, which belongs to a guest account already linked to ` +
    `${holder ?? "another Telegram user"}. Nothing was changed: decide it in the app with the button below.`,
  menuButton: "Card",

  managerOpenConflictButton: "Open the conflict",
  conflictResolvedForClaimant: (restaurant) =>
    `Good news: the staff of ${restaurant} checked your number and linked your guest card to this ` +
    "Telegram account. Open the app to see your card.",
  conflictResolvedForHolder: (restaurant) =>
    `The staff of ${restaurant} moved the guest card with your former phone number to another Telegram ` +
    "account, whose owner now has that number. If this is a mistake, please talk to our staff. " +
    "To get a card here again, share your current number with /start.",
  conflictDismissedForClaimant: (restaurant) =>
    `The staff of ${restaurant} checked your number: its guest card stays with the Telegram account ` +
    "it is linked to. If it is yours, please talk to our staff in person.",
};
