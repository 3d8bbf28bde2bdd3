import type { InvalidCodeReason, Language } from "@guestcard/shared";
import type { PointsWords } from "../points/format";
import type { MoneyInputProblem } from "./money-input";

/** The till's texts. Staff-only, so they live in the cashier page's chunk, not in the guest's catalogue. */
const en = {
  title: "Till",
  terminal: (name: string) => `Terminal: ${name}`,
  changeKey: "Change key",
  setupTitle: "Connect this till",
  setupText:
    "Enter this till's key: ask your manager or whoever set up Guestcard for the restaurant. It is kept in this browser only, so it is entered once.",
  keyLabel: "POS key",
  connect: "Connect",
  keyRejected: "This key does not fit. Check it with your manager.",
  keyRevoked: "This till's key no longer works. Enter a valid one.",
  codeLabel: "Scan the guest's QR code or type their PIN",
  codePlaceholder: "PIN or QR code",
  find: "Find guest",
  camera: "Scan with camera",
  cameraStop: "Stop camera",
  cameraFailed: "The camera could not be started. Allow camera access, or type the PIN instead.",
  cameraHint: "Point the camera at the QR code on the guest's phone.",
  checking: "Checking…",
  guestFound: "Guest identified",
  phone: "Phone",
  notFound: "Not found or expired",
  notFoundText: "Ask the guest to open the card again: a new code appears in one tap.",
  invalid: "Check the digits",
  invalidText: {
    not_digits: "A card code has digits only.",
    wrong_length: "A PIN has 6 digits; a QR code has 18.",
    check_digit:
      "The last digit does not match: one was misheard or mistyped. Ask the guest to repeat the PIN.",
  } satisfies Record<InvalidCodeReason, string>,
  blocked: "Too many wrong codes",
  blockedText: (seconds: number) => `This till may try again in ${seconds} s.`,
  offline: "The server could not be reached. Check the connection and try again.",
  nextGuest: "Ready for the next guest.",

  pointsWords: { one: "point", other: "points" } as PointsWords,
  balance: "Balance",
  tier: "Tier",
  defaultTier: "Standard",
  mayPayUpTo: (percent: number) => `Points may pay up to ${percent}% of a bill`,
  mayPayNow: "Points may pay",
  billTotal: "Bill total",
  billTotalPlaceholder: "1250.50",
  pointsToSpend: "Points to spend",
  useMax: "Max",
  useNone: "None",
  checkId: "Check number",
  guestPays: "Guest pays",
  guestEarns: "Guest earns",
  balanceAfter: "Balance after",
  closeBill: (amount: string) => `Close the bill · ${amount}`,
  closeBillEmpty: "Close the bill",
  sending: "Sending…",
  noAnswer:
    "No answer from the server: the bill may or may not be closed. Retry sends the same bill again and can never charge twice.",
  retrySame: "Retry",
  discard: "Discard this bill",
  pendingBill: (check: string, guest: string, total: string) =>
    `Bill № ${check} for ${guest} (${total}) was sent, but no answer came before the page closed. Retry it: the same request can never charge twice.`,
  discardConfirm:
    "Discard? If the server did close it, the bill will be in the list below; check it before closing it again.",
  billClosed: "Bill closed",
  billClosedText: (paid: string, earned: string, balance: string) =>
    `Paid ${paid}; earned ${earned}. New balance: ${balance}.`,
  newBill: "Next guest",
  moneyProblems: {
    empty: "Enter the bill total.",
    not_a_number: "Type the amount in digits, e.g. 1250.50.",
    negative: "The amount cannot be negative.",
    ambiguous: "Is that a thousands separator? Type 1234 or 1234.00, without a separator.",
    too_many_decimals: "At most two decimals (kopecks).",
    too_large: "That amount is too large for a bill.",
  } satisfies Record<MoneyInputProblem, string>,
  zeroTotal: "The bill total must be above zero.",
  pointsProblems: {
    empty: "",
    not_a_number: "Whole points only, in digits.",
    negative: "Points cannot be negative.",
    ambiguous: "Whole points only, in digits.",
    too_many_decimals: "Whole points only, in digits.",
    too_large: "More points than the guest has.",
  } satisfies Record<MoneyInputProblem, string>,
  overShare: (max: string) => `At most ${max} on this bill.`,
  overBalance: (balance: string) => `The guest has ${balance}.`,
  checkIdRequired: "Enter the check number (up to 64 characters).",
  billErrors: {
    identification_not_found:
      "This card reading has expired or is unknown. Ask the guest to show the card again and scan it.",
    insufficient_points:
      "The guest no longer has that many points (another bill may have used them). Lower the points and confirm again.",
    idempotency_key_reused: "The server saw this request with other figures. Close the bill again.",
    validation_failed: "The server refused a figure. Check the total, the points and the check number.",
    purchase_not_found: "This bill is not known at this till.",
    already_refunded: "This bill has already been refunded.",
    too_many_requests: "Too many requests from this till. Wait a moment and try again.",
    unexpected: "The server could not take this request. Try again; if it repeats, call whoever runs it.",
  },

  purchases: "Bills at this till",
  noPurchases: "No bills closed at this till yet.",
  purchaseLine: (check: string, guest: string) => `№ ${check} · ${guest}`,
  purchaseFigures: (paid: string, redeemed: string, earned: string) =>
    `paid ${paid} · spent ${redeemed} · earned ${earned}`,
  refunded: "Refunded",
  refund: "Refund",
  refundConfirm: (check: string, total: string) =>
    `Refund bill № ${check} of ${total}? The guest's points go back to where they were before it.`,
  refundYes: "Yes, refund",
  refundNo: "Keep it",
  refundDone: (check: string, points: string) => `Bill № ${check} refunded; points: ${points}.`,
  more: "Show older",
  reload: "Refresh",
};

type CashierTexts = typeof en;

const ru: CashierTexts = {
  title: "Касса",
  terminal: (name) => `Терминал: ${name}`,
  changeKey: "Сменить ключ",
  setupTitle: "Подключите кассу",
  setupText:
    "Введите ключ этой кассы: его выдаёт управляющий или тот, кто настраивал Guestcard в ресторане. Ключ хранится только в этом браузере, вводить его нужно один раз.",
  keyLabel: "POS-ключ",
  connect: "Подключить",
  keyRejected: "Ключ не подходит. Уточните его у управляющего.",
  keyRevoked: "Ключ этой кассы больше не действует. Введите действующий.",
  codeLabel: "Отсканируйте QR-код гостя или введите PIN",
  codePlaceholder: "PIN или QR-код",
  find: "Найти гостя",
  camera: "Сканировать камерой",
  cameraStop: "Выключить камеру",
  cameraFailed: "Не удалось включить камеру. Разрешите доступ к ней или введите PIN.",
  cameraHint: "Наведите камеру на QR-код на телефоне гостя.",
  checking: "Проверяем…",
  guestFound: "Гость найден",
  phone: "Телефон",
  notFound: "Не найдено или истекло",
  notFoundText: "Попросите гостя открыть карту заново: новый код появляется одним нажатием.",
  invalid: "Проверьте цифры",
  invalidText: {
    not_digits: "В коде карты только цифры.",
    wrong_length: "В PIN 6 цифр, в QR-коде 18.",
    check_digit:
      "Последняя цифра не сходится: одну цифру расслышали или набрали неверно. Попросите гостя повторить PIN.",
  },
  blocked: "Слишком много неверных кодов",
  blockedText: (seconds) => `Касса сможет попробовать снова через ${seconds} с.`,
  offline: "Сервер недоступен. Проверьте связь и попробуйте ещё раз.",
  nextGuest: "Готово к следующему гостю.",

  pointsWords: { one: "балл", few: "балла", many: "баллов", other: "балла" },
  balance: "Баланс",
  tier: "Уровень",
  defaultTier: "Стандарт",
  mayPayUpTo: (percent) => `Баллами можно оплатить до ${percent}% чека`,
  mayPayNow: "Можно оплатить баллами",
  billTotal: "Сумма чека",
  billTotalPlaceholder: "1250,50",
  pointsToSpend: "Списать баллов",
  useMax: "Максимум",
  useNone: "Не списывать",
  checkId: "Номер чека",
  guestPays: "Гость платит",
  guestEarns: "Гостю начислится",
  balanceAfter: "Баланс после",
  closeBill: (amount) => `Провести чек · ${amount}`,
  closeBillEmpty: "Провести чек",
  sending: "Отправляем…",
  noAnswer:
    "Сервер не ответил: чек мог пройти, а мог и нет. «Повторить» отправит тот же чек ещё раз — дважды он не спишется никогда.",
  retrySame: "Повторить",
  discard: "Отменить этот чек",
  pendingBill: (check, guest, total) =>
    `Чек № ${check} для гостя ${guest} (${total}) был отправлен, но ответа не было до закрытия страницы. Повторите его: тот же запрос никогда не спишется дважды.`,
  discardConfirm:
    "Отменить? Если сервер всё же провёл чек, он появится в списке ниже — проверьте, прежде чем проводить снова.",
  billClosed: "Чек проведён",
  billClosedText: (paid, earned, balance) =>
    `Оплачено ${paid}; начислено ${earned}. Новый баланс: ${balance}.`,
  newBill: "Следующий гость",
  moneyProblems: {
    empty: "Введите сумму чека.",
    not_a_number: "Введите сумму цифрами, например 1250,50.",
    negative: "Сумма не может быть отрицательной.",
    ambiguous: "Это разделитель тысяч? Введите 1234 или 1234,00 без разделителя.",
    too_many_decimals: "Не больше двух знаков после запятой (копейки).",
    too_large: "Слишком большая сумма для чека.",
  },
  zeroTotal: "Сумма чека должна быть больше нуля.",
  pointsProblems: {
    empty: "",
    not_a_number: "Только целые баллы, цифрами.",
    negative: "Баллы не могут быть отрицательными.",
    ambiguous: "Только целые баллы, цифрами.",
    too_many_decimals: "Только целые баллы, цифрами.",
    too_large: "Больше баллов, чем есть у гостя.",
  },
  overShare: (max) => `С этого чека не больше ${max}.`,
  overBalance: (balance) => `У гостя ${balance}.`,
  checkIdRequired: "Введите номер чека (до 64 символов).",
  billErrors: {
    identification_not_found:
      "Это считывание карты истекло или неизвестно. Попросите гостя снова показать карту и отсканируйте её.",
    insufficient_points:
      "У гостя уже нет столько баллов (их мог списать другой чек). Уменьшите списание и проведите снова.",
    idempotency_key_reused: "Сервер уже видел этот запрос с другими цифрами. Проведите чек заново.",
    validation_failed: "Сервер не принял одну из цифр. Проверьте сумму, баллы и номер чека.",
    purchase_not_found: "Этот чек не найден на этой кассе.",
    already_refunded: "Этот чек уже возвращён.",
    too_many_requests: "Слишком много запросов с этой кассы. Подождите немного и повторите.",
    unexpected:
      "Сервер не смог принять запрос. Повторите; если не выйдет — обратитесь к тому, кто его настраивал.",
  },

  purchases: "Чеки этой кассы",
  noPurchases: "На этой кассе ещё нет проведённых чеков.",
  purchaseLine: (check, guest) => `№ ${check} · ${guest}`,
  purchaseFigures: (paid, redeemed, earned) => `оплачено ${paid} · списано ${redeemed} · начислено ${earned}`,
  refunded: "Возвращён",
  refund: "Вернуть",
  refundConfirm: (check, total) =>
    `Вернуть чек № ${check} на ${total}? Баллы гостя вернутся к тому, что было до него.`,
  refundYes: "Да, вернуть",
  refundNo: "Не возвращать",
  refundDone: (check, points) => `Чек № ${check} возвращён; баллы: ${points}.`,
  more: "Показать старше",
  reload: "Обновить",
};

/** The till's catalogue, by language; the language is the one `loadCatalogue` picked for the page. */
export const cashierCatalogues: Record<Language, CashierTexts> = { en, ru };
