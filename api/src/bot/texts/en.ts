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
    "Please ask our staff for help — the managers have been told.",

  foreignContact:
    "Please share your own number: tap the button below. A contact of someone else cannot be used.",
  unreadablePhone: "We could not read that phone number. Please try again with the button below.",
  fallbackNeedsPhone: "To get your card, share your phone number with the button below.",
  fallbackWithPhone: "Your card is in the app: tap the button below.",

  managerPhoneConflict: ({ guest, holder, phone }) =>
    "⚠️ <b>Phone conflict</b>\n" +
    `${guest} shared the number ${phone}, which belongs to a guest account already linked to ` +
    `${holder ?? "another Telegram user"}. Nothing was changed; the guest was asked to talk to the staff.`,
  menuButton: "Card",
};
