import type { InvalidCodeReason, Language } from "@guestcard/shared";

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
  validUntil: (time: string, left: string) => `Card valid until ${time} (${left} left)`,
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
  validUntil: (time, left) => `Карта действует до ${time} (ещё ${left})`,
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
};

/** The till's catalogue, by language; the language is the one `loadCatalogue` picked for the page. */
export const cashierCatalogues: Record<Language, CashierTexts> = { en, ru };
