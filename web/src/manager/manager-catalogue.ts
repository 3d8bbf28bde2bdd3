import type { ErrorCode, GuestImportLineErrorCode, Language } from "@guestcard/shared";
import type { ErrorText, FieldErrorTexts } from "../i18n/error-texts";

/** The field error codes the manager's screens can meet (sources, settings, the guest-base import). */
type ManagerFieldErrorTexts = FieldErrorTexts<
  | "required"
  | "too_long"
  | "wrong_type"
  | "not_one_of"
  | "control_characters"
  | "invalid_characters"
  | "not_an_email"
  | "not_a_date"
  | "in_the_future"
  | "before_1900"
  | "not_a_phone"
  | "lifetime_out_of_range"
  | "bad_short_name"
  | "bad_source_code"
  | "already_used"
  | "column_missing"
  | "column_repeated"
  | "too_many_records"
>;

/** What a failed request means for a manager; `unexpected` for any code not listed. */
type ManagerErrorTexts = Partial<Record<ErrorCode, ErrorText>> & { unexpected: ErrorText };

/**
 * The manager screens' texts, English and Russian. They live in the manager chunk, not in the guest
 * catalogues: a guest never downloads a word of them.
 */
const en = {
  title: "Manager tools",
  botLinkTitle: "Link to the bot",
  botLinkText: "Print this QR code on tables, menus and receipts: it opens the bot.",
  sources: "Acquisition sources",
  sourcesHint: "A link and a QR code for each place you advertise",
  funnel: "Funnel",
  funnelHint: "Started → phone → registered → first visit",
  settings: "Settings",
  settingsHint: "Card lifetime, Mini App name, restaurant name",
  importTitle: "Import guests",
  importHint: "Bring your existing guest base from a CSV file",

  newSource: "New source",
  sourceName: "Name",
  sourceNamePlaceholder: "Table tents, Nevsky",
  sourceCode: "Code",
  sourceCodeHint: "Latin letters, digits, _ and -. Leave empty to generate one.",
  create: "Create",
  activeSources: "Sources",
  archivedSources: "Archived",
  defaultSource: "Plain bot link",
  noSources: "No sources yet. Create one for each place where guests find you.",
  botLinkLabel: "Opens the bot",
  miniAppLinkLabel: "Opens the Mini App directly",
  copy: "Copy",
  copied: "Copied",
  downloadSvg: "Download SVG",
  downloadPng: "Download PNG",
  qrPrintHint: "SVG prints sharp at any size; PNG is 1,200 pixels wide.",
  rename: "Rename",
  save: "Save",
  archive: "Archive",
  restore: "Restore",
  archivedOn: (date: string) => `Archived on ${date}`,
  cannotArchiveDefault: "The plain bot link counts every guest who came without a code: it stays.",
  demoTry: "Try it: open the demo as a guest who came through this source",

  periodToday: "Today",
  period7d: "7 days",
  period30d: "30 days",
  periodAll: "All time",
  total: "All sources",
  stepStarted: "Started",
  stepPhoneShared: "Shared phone",
  stepRegistered: "Registered",
  stepFirstVisit: "First visit",
  ofPrevious: (percent: string) => `${percent} of the step before`,
  downloadCsv: "Download CSV",
  noGuestsYet: "Nobody yet in this period.",

  cardTtl: "Card lifetime",
  cardTtlHint: "How long a QR code and PIN work: 30 seconds to 24 hours. Applies to the next card issued.",
  seconds: "seconds",
  miniAppShortName: "Mini App short name",
  miniAppShortNameHint: "The app's short name in BotFather: the “app” in t.me/bot/app.",
  restaurantName: "Restaurant name",
  restaurantNameHint: "How the bot names the restaurant in its messages.",
  saved: "Saved",

  importText:
    "A CSV file with a header row. Columns: phone (required), last_name, first_name, middle_name, gender (male/female), birthday (YYYY-MM-DD), email. Up to 20 MB.",
  chooseFile: "Choose a CSV file",
  importing: "Importing…",
  created: "Created",
  skipped: "Skipped: already there",
  errors: "Lines with errors",
  line: (line: number) => `Line ${line}`,
  importTooLarge: "The file is larger than 20 MB: split it into parts.",
  importLineErrors: {
    wrong_field_count: ({ fields, expected }) => `${fields} fields, but the header names ${expected}`,
    unclosed_quote: "A quote is never closed: this line and the rest of the file were not imported",
    not_csv: "Not readable as CSV: this line and the rest of the file were not imported",
  } satisfies Record<Exclude<GuestImportLineErrorCode, "invalid_fields">, ErrorText> as Record<
    Exclude<GuestImportLineErrorCode, "invalid_fields">,
    ErrorText
  >,
  failed: "That didn't work. Check the connection and try again.",
  importFormats:
    "A CSV file as Excel saves it (UTF-8 or Windows-1251, separated by commas, semicolons or tabs), up to 20 MB and 200,000 guests. Column headers in Russian or English: phone (required), last name, first name, middle name, gender (m/f), birthday (DD.MM.YYYY or YYYY-MM-DD), email. You will see what we read before anything is imported.",
  downloadTemplate: "Download the template",
  lineColumn: "Line",
  previewTitle: "Check before importing",
  previewColumns: "Columns",
  previewIgnored: "ignored",
  previewRows: (shown: number, total: number) => `First ${shown} of ${total} guests`,
  willCreate: "New guests",
  willSkip: "Skipped: already there or repeated",
  willReject: "Lines with errors: not imported",
  confirmImport: (count: string) => `Import ${count} guests`,
  chooseAnother: "Choose another file",
  readingFile: "Reading the file…",
  nothingToImport: "There is nobody new to import in this file.",
  importDone: "Imported",
  moreErrors: (count: string) => `… and ${count} more lines with errors`,
  columnNames: {
    phone: "Phone",
    last_name: "Last name",
    first_name: "First name",
    middle_name: "Middle name",
    gender: "Gender",
    birthday: "Birthday",
    email: "Email",
    file: "File",
  } as Record<string, string>,
  genderShort: { male: "m", female: "f" } as Record<"male" | "female", string>,

  fieldErrors: {
    required: "Please fill this in",
    too_long: ({ max }) => `Too long: ${max} characters at most`,
    wrong_type: "This value has the wrong type",
    not_one_of: ({ options }) => `Must be one of: ${options}`,
    control_characters: "Line breaks, control and invisible characters aren't allowed",
    invalid_characters: "Contains a broken character: retype it",
    not_an_email: "Not an e-mail address",
    not_a_date: "Not a date (DD.MM.YYYY or YYYY-MM-DD)",
    in_the_future: "A date in the future",
    before_1900: "A date before 1900",
    not_a_phone: "Not a phone number",
    lifetime_out_of_range: "From 30 seconds to 24 hours (86,400 seconds), in whole seconds",
    bad_short_name: "3–30 Latin letters, digits or underscores, as in BotFather",
    bad_source_code: "1–64 Latin letters, digits, _ or - (no spaces)",
    already_used: "Another source already has this code: choose another one",
    column_missing: ({ column }) => `The header row has no ${column} column`,
    column_repeated: ({ column }) => `The header names the ${column} column twice`,
    too_many_records: ({ max }) => `More than ${max} guests in one file: split it into parts`,
    invalid: "Please check this",
  } satisfies ManagerFieldErrorTexts as ManagerFieldErrorTexts,
  failures: {
    forbidden: "Only the restaurant's managers can do this.",
    not_found: "Not found: it may have been deleted. Go back and try again.",
    conflict: "That can't be done: it clashes with what is already there.",
    unavailable: "The bot isn't reachable right now, so there are no links yet. Try again in a minute.",
    payload_too_large: "The file is larger than 20 MB: split it into parts.",
    unsupported_media_type: "This isn't a CSV file. Save the table as CSV (UTF-8) and try again.",
    validation_failed: "Some values aren't valid. Check them and try again.",
    too_many_requests: ({ retryAfterSeconds }) => `Too many requests: try again in ${retryAfterSeconds} s.`,
    unexpected: "Something went wrong on the server. Try again in a minute.",
  } satisfies ManagerErrorTexts as ManagerErrorTexts,
};

export type ManagerTexts = typeof en;

const ru: ManagerTexts = {
  title: "Для управляющих",
  botLinkTitle: "Ссылка на бота",
  botLinkText: "Напечатайте этот QR-код на столах, в меню и на чеках: он открывает бота.",
  sources: "Источники",
  sourcesHint: "Своя ссылка и QR-код для каждого места рекламы",
  funnel: "Воронка",
  funnelHint: "Старт → телефон → регистрация → первый визит",
  settings: "Настройки",
  settingsHint: "Срок карты, имя Mini App, название ресторана",
  importTitle: "Импорт гостей",
  importHint: "Загрузите вашу базу гостей из CSV-файла",

  newSource: "Новый источник",
  sourceName: "Название",
  sourceNamePlaceholder: "Тейбл-тенты, Невский",
  sourceCode: "Код",
  sourceCodeHint: "Латиница, цифры, _ и -. Оставьте пустым, и код придумается сам.",
  create: "Создать",
  activeSources: "Источники",
  archivedSources: "В архиве",
  defaultSource: "Обычная ссылка на бота",
  noSources: "Источников пока нет. Заведите по одному на каждое место, где вас находят гости.",
  botLinkLabel: "Открывает бота",
  miniAppLinkLabel: "Сразу открывает Mini App",
  copy: "Копировать",
  copied: "Скопировано",
  downloadSvg: "Скачать SVG",
  downloadPng: "Скачать PNG",
  qrPrintHint: "SVG печатается чётко в любом размере; PNG — 1200 пикселей в ширину.",
  rename: "Переименовать",
  save: "Сохранить",
  archive: "В архив",
  restore: "Вернуть",
  archivedOn: (date: string) => `В архиве с ${date}`,
  cannotArchiveDefault: "Обычная ссылка считает всех гостей, пришедших без кода: её нельзя убрать в архив.",
  demoTry: "Попробовать: открыть демо как гость, пришедший через этот источник",

  periodToday: "Сегодня",
  period7d: "7 дней",
  period30d: "30 дней",
  periodAll: "Всё время",
  total: "Все источники",
  stepStarted: "Начали",
  stepPhoneShared: "Дали телефон",
  stepRegistered: "Зарегистрировались",
  stepFirstVisit: "Первый визит",
  ofPrevious: (percent: string) => `${percent} от предыдущего шага`,
  downloadCsv: "Скачать CSV",
  noGuestsYet: "За этот период никого.",

  cardTtl: "Срок действия карты",
  cardTtlHint:
    "Сколько работают QR-код и PIN: от 30 секунд до 24 часов. Действует для следующей выданной карты.",
  seconds: "секунд",
  miniAppShortName: "Короткое имя Mini App",
  miniAppShortNameHint: "Короткое имя приложения в BotFather: «app» в t.me/bot/app.",
  restaurantName: "Название ресторана",
  restaurantNameHint: "Так бот называет ресторан в своих сообщениях.",
  saved: "Сохранено",

  importText:
    "CSV-файл со строкой заголовков. Колонки: phone (обязательно), last_name, first_name, middle_name, gender (male/female), birthday (ГГГГ-ММ-ДД), email. До 20 МБ.",
  chooseFile: "Выбрать CSV-файл",
  importing: "Загружаем…",
  created: "Создано",
  skipped: "Пропущено: уже есть",
  errors: "Строки с ошибками",
  line: (line: number) => `Строка ${line}`,
  importTooLarge: "Файл больше 20 МБ: разделите его на части.",
  importLineErrors: {
    wrong_field_count: ({ fields, expected }) => `Полей: ${fields}, а в заголовке — ${expected}`,
    unclosed_quote: "Кавычка не закрыта: эта строка и всё после неё не загружены",
    not_csv: "Не читается как CSV: эта строка и всё после неё не загружены",
  },
  failed: "Не получилось. Проверьте связь и попробуйте ещё раз.",
  importFormats:
    "CSV-файл, как его сохраняет Excel (UTF-8 или Windows-1251, через запятую, точку с запятой или табуляцию), до 20 МБ и 200 000 гостей. Заголовки колонок по-русски или по-английски: телефон (обязательно), фамилия, имя, отчество, пол (м/ж), дата рождения (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД), email. Перед загрузкой вы увидите, что мы прочитали.",
  downloadTemplate: "Скачать шаблон",
  lineColumn: "Строка",
  previewTitle: "Проверьте перед загрузкой",
  previewColumns: "Колонки",
  previewIgnored: "не загружается",
  previewRows: (shown: number, total: number) => `Первые ${shown} гостей из ${total}`,
  willCreate: "Новые гости",
  willSkip: "Пропущено: уже есть или повтор",
  willReject: "Строки с ошибками: не загрузятся",
  confirmImport: (count: string) => `Загрузить гостей: ${count}`,
  chooseAnother: "Выбрать другой файл",
  readingFile: "Читаем файл…",
  nothingToImport: "В этом файле нет новых гостей.",
  importDone: "Загружено",
  moreErrors: (count: string) => `… и ещё строк с ошибками: ${count}`,
  columnNames: {
    phone: "Телефон",
    last_name: "Фамилия",
    first_name: "Имя",
    middle_name: "Отчество",
    gender: "Пол",
    birthday: "Дата рождения",
    email: "Email",
    file: "Файл",
  },
  genderShort: { male: "м", female: "ж" },

  fieldErrors: {
    required: "Заполните это поле",
    too_long: ({ max }) => `Слишком длинно: не больше ${max} символов`,
    wrong_type: "Значение не того типа",
    not_one_of: ({ options }) => `Допустимо одно из: ${options}`,
    control_characters: "Переносы строк, служебные и невидимые символы не допускаются",
    invalid_characters: "Здесь повреждённый символ: наберите текст заново",
    not_an_email: "Не адрес эл. почты",
    not_a_date: "Не дата (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)",
    in_the_future: "Дата в будущем",
    before_1900: "Дата раньше 1900 года",
    not_a_phone: "Не номер телефона",
    lifetime_out_of_range: "От 30 секунд до 24 часов (86 400 секунд), целым числом",
    bad_short_name: "3–30 латинских букв, цифр или подчёркиваний, как в BotFather",
    bad_source_code: "1–64 латинских буквы, цифры, _ или -, без пробелов",
    already_used: "Этот код уже у другого источника: выберите другой",
    column_missing: ({ column }) => `В строке заголовков нет колонки ${column}`,
    column_repeated: ({ column }) => `Колонка ${column} указана в заголовке дважды`,
    too_many_records: ({ max }) => `Больше ${max} гостей в одном файле: разделите его на части`,
    invalid: "Проверьте это поле",
  },
  failures: {
    forbidden: "Это могут делать только управляющие ресторана.",
    not_found: "Не найдено: возможно, уже удалено. Вернитесь назад и попробуйте снова.",
    conflict: "Так нельзя: это противоречит тому, что уже есть.",
    unavailable: "Бот сейчас недоступен, поэтому ссылок пока нет. Попробуйте через минуту.",
    payload_too_large: "Файл больше 20 МБ: разделите его на части.",
    unsupported_media_type: "Это не CSV-файл. Сохраните таблицу как CSV (UTF-8) и попробуйте снова.",
    validation_failed: "Некоторые значения неверны. Проверьте их и попробуйте снова.",
    too_many_requests: ({ retryAfterSeconds }) =>
      `Слишком много запросов: попробуйте через ${retryAfterSeconds} с.`,
    unexpected: "На сервере что-то пошло не так. Попробуйте через минуту.",
  },
};

/** The manager's catalogue, by language. */
export const managerCatalogues: Record<Language, ManagerTexts> = { en, ru };
