/**
 * Everything the bot says, one object per language (ru.ts, en.ts). Functions take the parts that
 * vary; any user-supplied string they put into an HTML message must already be escaped.
 */
export interface BotTexts {
  /** /start without a shared phone; followed by the reply keyboard with the contact button. */
  greetingNeedsPhone(firstName: string, restaurant: string): string;
  /** /start when the phone is known; followed by the Mini App button. */
  greetingWithPhone(firstName: string, restaurant: string): string;
  sharePhoneButton: string;
  openCardButton: string;
  registerButton: string;
  /** How to reach the Mini App when there is no PUBLIC_URL to put on a button. */
  openFromMenuHint: string;

  /** The message of its own that removes the reply keyboard once the phone is in. */
  phoneReceived: string;
  /** A known guest (imported or registered earlier) was linked by the phone. */
  linked: string;
  /** No account with that phone: the Mini App's registration form comes next. */
  needsRegistration: string;
  /** The guest already has a card; sharing the phone again changes nothing. */
  alreadyRegistered: string;
  /** The phone belongs to an account linked to another Telegram user: nothing is moved. */
  phoneConflict: string;

  /** A contact that is not the sender's own (forwarded, picked from the address book, no user id). */
  foreignContact: string;
  /** The sender's own contact, but the number is not a phone number we can read. */
  unreadablePhone: string;
  /** Any other message in the private chat. */
  fallbackNeedsPhone: string;
  fallbackWithPhone: string;

  /** The alert in the managers' chat (HTML): `guest` and `holder` are ready-made escaped links. */
  managerPhoneConflict(details: { guest: string; holder: string | null; phone: string }): string;
  /** The bot's menu button, the same for everyone. */
  menuButton: string;

  /** Under the phone-conflict alert: opens the conflict in the managers' screen of the Mini App. */
  managerOpenConflictButton: string;
  /** A manager moved the account to this guest, who had shared its phone. */
  conflictResolvedForClaimant(restaurant: string): string;
  /** A manager moved the account this guest held to another Telegram account. */
  conflictResolvedForHolder(restaurant: string): string;
  /** A manager left the account where it was; told to the guest who had shared its phone. */
  conflictDismissedForClaimant(restaurant: string): string;
}
