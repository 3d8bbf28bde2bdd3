import type { ErrorCode, GuestImportLineErrorCode, Language } from "@guestcard/shared";
import type { ErrorText, FieldErrorTexts } from "../i18n/error-texts";
import { pluralText } from "./broadcast-form";

/** The field error codes the manager's screens can meet (sources, settings, the guest-base import). */
type ManagerFieldErrorTexts = FieldErrorTexts<
  | "required"
  | "too_long"
  | "wrong_type"
  | "out_of_range"
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
  | "out_of_range"
  | "too_short"
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
  pointsTitle: "Points programme",
  pointsHint: "Earning, spending, tiers, and what the programme costs",
  points: {
    figures: "Figures",
    outstanding: "Points guests hold now (the restaurant's liability)",
    today: "Today",
    last7Days: "7 days",
    last30Days: "30 days",
    pointsIssued: "Points issued",
    pointsSpent: "Points spent",
    pointsLapsed: "Points lapsed",
    pointsRefunded: "Points returned by refunds (net)",
    pointsAdjustedDown: "Points taken by hand",
    bills: "Bills of card holders",
    averageBill: "Average bill",
    settings: "Settings",
    settingsHint: "Changes apply from the next bill on, never to bills already closed.",
    maxRedeemPercent: "Points may pay up to, % of a bill",
    welcomePoints: "Welcome points",
    welcomePointsHint: "Credited once, when a guest joins.",
    birthdayPoints: "Birthday points",
    birthdayPointsHint: "Credited once a year, on the guest's birthday. 0 turns it off.",
    lapse: "Points lapse without visits",
    lapseDays: "Days without a bill",
    lapseHint:
      "Off: points never lapse. On: a guest's points lapse after this many days without a bill (30–3650).",
    tiers: "Tiers",
    tiersHint:
      "By money paid in the last 12 months. The first tier is everyone's and starts at 0; its percent is the programme's earn percent. Thresholds rise.",
    tierName: "Name",
    tierThreshold: "From, spent in 12 months",
    tierEarnPercent: "Earn, %",
    addTier: "Add a tier",
    removeTier: "Remove",
    tiersRule: "1–10 tiers: the first from 0, thresholds rising, names different",
    notMoney: "An amount in digits, e.g. 15000 or 15000.50",
    percentRule: "A whole percent from 0 to 100",
    pointsRule: "A whole number of points from 0 to 1,000,000",
    lapseRule: "A whole number of days from 30 to 3650",
  },

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
  minutes: "minutes",
  hours: "hours",
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

  broadcasts: "Broadcasts",
  broadcastsHint: "Write to the guests who agreed to news and offers",
  newBroadcast: "New broadcast",
  newBroadcastHint: "Text, who receives it, a test to yourself first",
  broadcastHistory: "Sent before",
  noBroadcasts: "No broadcasts yet.",
  message: "Message",
  messagePlaceholder: "What would you like to tell your guests?",
  messageHint: "Plain text, exactly as typed, line breaks kept. Every message carries an Unsubscribe button.",
  characterCount: (count: number, max: number) =>
    `${count.toLocaleString("en-GB")} / ${max.toLocaleString("en-GB")}`,
  preview: "How guests will see it",
  previewEmpty: "Your message will appear here.",
  openAppButton: "Add a button that opens the card",
  openAppButtonText: "Open the card",
  unsubscribeButtonText: "Unsubscribe",
  audience: "Who receives it",
  audienceHint:
    "Only guests who agreed to news and offers and have a chat with the bot receive broadcasts; nobody else, ever.",
  segmentAll: "Everyone",
  segmentSource: "Came through a source",
  segmentInactive: "Haven't visited for a while",
  segmentBirthdayMonth: "Birthday this month",
  segmentTier: "Points tier",
  sourceLabel: "Source",
  inactiveDaysLabel: "Days without a visit",
  tierLabel: "Tier",
  counting: "Counting guests…",
  willReceive: (count: number) =>
    pluralText("en-GB", count, {
      zero: "Nobody would receive it right now",
      one: "# guest will receive it",
      other: "# guests will receive it",
    }),
  sendTest: "Send a test to me",
  testSent: "On its way to your chat with the bot: check how it looks there.",
  reviewAndSend: "Review and send",
  sendQuestion: (count: number) =>
    pluralText("en-GB", count, { one: "Send to # guest?", other: "Send to # guests?" }),
  sendText: "It goes out at once, paced under Telegram's limits. You can cancel it while it is sending.",
  sendConfirm: (count: number) =>
    pluralText("en-GB", count, { one: "Send to # guest", other: "Send to # guests" }),
  backToEditing: "Back to editing",
  phaseQueued: "Queued",
  phaseSending: "Sending",
  phaseDone: "Done",
  phaseCancelled: "Cancelled",
  recipients: "Recipients",
  sent: "Sent",
  blocked: "Blocked",
  failedCount: "Failed",
  blockedHint:
    "Blocked: the guest blocked the bot or deleted their Telegram account; they are not tried again. Failed: Telegram kept refusing after several tries.",
  cancelBroadcast: "Cancel the broadcast",
  cancelQuestion: "Cancel the broadcast?",
  cancelText: "Guests it has not reached yet won't get it. Messages already sent stay.",
  cancelConfirm: "Yes, cancel it",
  keepSending: "Keep sending",
  createdOn: (date: string) => `Created ${date}`,
  segmentSummaryAll: "Everyone who agreed to news",
  segmentSummarySource: (name: string) => `Came through “${name}”`,
  segmentSummaryInactive: (days: number) =>
    pluralText("en-GB", days, {
      one: "Not visited for # day or more",
      other: "Not visited for # days or more",
    }),
  segmentSummaryBirthdayMonth: "Birthday this month",
  segmentSummaryTier: (name: string) => `Tier “${name}”`,
  historyCounts: (sent: number, recipients: number) =>
    `${sent.toLocaleString("en-GB")} of ${recipients.toLocaleString("en-GB")} sent`,

  fieldErrors: {
    required: "Please fill this in",
    too_long: ({ max }) => `Too long: ${max} characters at most`,
    wrong_type: "This value has the wrong type",
    not_one_of: ({ options }) => `Must be one of: ${options}`,
    control_characters: "Line breaks, control and invisible characters aren't allowed",
    invalid_characters: "Contains a broken character: retype it",
    not_an_email: "Not an e-mail address",
    not_a_date: "Not a date (YYYY-MM-DD)",
    in_the_future: "A date in the future",
    before_1900: "A date before 1900",
    not_a_phone: "Not a phone number",
    lifetime_out_of_range: "From half a minute to 24 hours",
    bad_short_name: "3–30 Latin letters, digits or underscores, as in BotFather",
    bad_source_code: "1–64 Latin letters, digits, _ or - (no spaces)",
    already_used: "Another source already has this code: choose another one",
    column_missing: ({ column }) => `The header row has no ${column} column`,
    column_repeated: ({ column }) => `The header names the ${column} column twice`,
    out_of_range: ({ min, max }) =>
      max === undefined ? `At least ${min}` : min === undefined ? `At most ${max}` : `From ${min} to ${max}`,
    too_short: ({ min }) => `At least ${min}`,
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
  pointsTitle: "Программа баллов",
  pointsHint: "Начисление, списание, уровни и во что обходится программа",
  points: {
    figures: "Показатели",
    outstanding: "Баллов у гостей сейчас (обязательства ресторана)",
    today: "Сегодня",
    last7Days: "7 дней",
    last30Days: "30 дней",
    pointsIssued: "Начислено баллов",
    pointsSpent: "Списано баллов",
    pointsLapsed: "Сгорело баллов",
    pointsRefunded: "Возвращено возвратами чеков (итог)",
    pointsAdjustedDown: "Снято вручную",
    bills: "Чеков держателей карт",
    averageBill: "Средний чек",
    settings: "Настройки",
    settingsHint: "Изменения действуют со следующего чека и никогда не меняют уже проведённые.",
    maxRedeemPercent: "Баллами можно оплатить до, % чека",
    welcomePoints: "Приветственные баллы",
    welcomePointsHint: "Начисляются один раз, когда гость присоединяется.",
    birthdayPoints: "Баллы ко дню рождения",
    birthdayPointsHint: "Начисляются раз в год, в день рождения гостя. 0 — не начислять.",
    lapse: "Баллы сгорают без визитов",
    lapseDays: "Дней без чека",
    lapseHint:
      "Выключено: баллы не сгорают. Включено: баллы гостя сгорают через столько дней без чека (30–3650).",
    tiers: "Уровни",
    tiersHint:
      "По сумме покупок за последние 12 месяцев. Первый уровень — у всех, он начинается с 0, его процент — процент начисления программы. Пороги растут.",
    tierName: "Название",
    tierThreshold: "От суммы покупок за 12 месяцев",
    tierEarnPercent: "Начисление, %",
    addTier: "Добавить уровень",
    removeTier: "Убрать",
    tiersRule: "От 1 до 10 уровней: первый с 0, пороги растут, названия разные",
    notMoney: "Сумма цифрами, например 15000 или 15000,50",
    percentRule: "Целый процент от 0 до 100",
    pointsRule: "Целое число баллов от 0 до 1 000 000",
    lapseRule: "Целое число дней от 30 до 3650",
  },

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
  minutes: "минуты",
  hours: "часы",
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

  broadcasts: "Рассылки",
  broadcastsHint: "Напишите гостям, согласившимся на новости и предложения",
  newBroadcast: "Новая рассылка",
  newBroadcastHint: "Текст, получатели и сначала проверка на себе",
  broadcastHistory: "Отправленные",
  noBroadcasts: "Рассылок пока не было.",
  message: "Сообщение",
  messagePlaceholder: "Что вы хотите сказать гостям?",
  messageHint:
    "Обычный текст, ровно как набран, с переносами строк. В каждом сообщении есть кнопка «Отписаться».",
  characterCount: (count: number, max: number) =>
    `${count.toLocaleString("ru-RU")} / ${max.toLocaleString("ru-RU")}`,
  preview: "Так его увидят гости",
  previewEmpty: "Здесь появится ваше сообщение.",
  openAppButton: "Добавить кнопку, открывающую карту",
  openAppButtonText: "Открыть карту",
  unsubscribeButtonText: "Отписаться",
  audience: "Кто получит",
  audienceHint:
    "Рассылку получают только гости, согласившиеся на новости и предложения и открывшие чат с ботом; больше никто и никогда.",
  segmentAll: "Все",
  segmentSource: "Пришли через источник",
  segmentInactive: "Давно не приходили",
  segmentBirthdayMonth: "День рождения в этом месяце",
  segmentTier: "Уровень программы",
  sourceLabel: "Источник",
  inactiveDaysLabel: "Дней без визита",
  tierLabel: "Уровень",
  counting: "Считаем гостей…",
  willReceive: (count: number) =>
    pluralText("ru-RU", count, {
      zero: "Сейчас это сообщение никто не получит",
      one: "# гость получит это сообщение",
      few: "# гостя получат это сообщение",
      many: "# гостей получат это сообщение",
      other: "# гостя получат это сообщение",
    }),
  sendTest: "Отправить тест себе",
  testSent: "Отправляем в ваш чат с ботом: посмотрите, как оно выглядит.",
  reviewAndSend: "Проверить и отправить",
  // Dative: «гостю» after 1, 21, 101…, «гостям» after the rest.
  sendQuestion: (count: number) =>
    pluralText("ru-RU", count, { one: "Отправить # гостю?", other: "Отправить # гостям?" }),
  sendText: "Рассылка уйдёт сразу, в темпе, который позволяет Telegram. Пока она идёт, её можно остановить.",
  sendConfirm: (count: number) =>
    pluralText("ru-RU", count, { one: "Отправить # гостю", other: "Отправить # гостям" }),
  backToEditing: "Вернуться к тексту",
  phaseQueued: "В очереди",
  phaseSending: "Отправляется",
  phaseDone: "Готово",
  phaseCancelled: "Остановлена",
  recipients: "Получателей",
  sent: "Доставлено",
  blocked: "Заблокировали",
  failedCount: "Не удалось",
  blockedHint:
    "Заблокировали: гость заблокировал бота или удалил аккаунт в Telegram; повторно не отправляем. Не удалось: Telegram отказывал и после нескольких попыток.",
  cancelBroadcast: "Остановить рассылку",
  cancelQuestion: "Остановить рассылку?",
  cancelText: "Гости, до которых она ещё не дошла, её не получат. Уже отправленные сообщения останутся.",
  cancelConfirm: "Да, остановить",
  keepSending: "Продолжить отправку",
  createdOn: (date: string) => `Создана ${date}`,
  segmentSummaryAll: "Все, кто согласился на новости",
  segmentSummarySource: (name: string) => `Пришли через «${name}»`,
  segmentSummaryInactive: (days: number) =>
    pluralText("ru-RU", days, {
      one: "Не приходили # день и больше",
      few: "Не приходили # дня и больше",
      many: "Не приходили # дней и больше",
      other: "Не приходили # дня и больше",
    }),
  segmentSummaryBirthdayMonth: "День рождения в этом месяце",
  segmentSummaryTier: (name: string) => `Уровень «${name}»`,
  historyCounts: (sent: number, recipients: number) =>
    `Доставлено ${sent.toLocaleString("ru-RU")} из ${recipients.toLocaleString("ru-RU")}`,

  fieldErrors: {
    required: "Заполните это поле",
    too_long: ({ max }) => `Слишком длинно: не больше ${max} символов`,
    wrong_type: "Значение не того типа",
    not_one_of: ({ options }) => `Допустимо одно из: ${options}`,
    control_characters: "Переносы строк, служебные и невидимые символы не допускаются",
    invalid_characters: "Здесь повреждённый символ: наберите текст заново",
    not_an_email: "Не адрес эл. почты",
    not_a_date: "Не дата (ГГГГ-ММ-ДД)",
    in_the_future: "Дата в будущем",
    before_1900: "Дата раньше 1900 года",
    not_a_phone: "Не номер телефона",
    lifetime_out_of_range: "От половины минуты до 24 часов",
    bad_short_name: "3–30 латинских букв, цифр или подчёркиваний, как в BotFather",
    bad_source_code: "1–64 латинских буквы, цифры, _ или -, без пробелов",
    already_used: "Этот код уже у другого источника: выберите другой",
    column_missing: ({ column }) => `В строке заголовков нет колонки ${column}`,
    column_repeated: ({ column }) => `Колонка ${column} указана в заголовке дважды`,
    out_of_range: ({ min, max }) =>
      max === undefined ? `Не меньше ${min}` : min === undefined ? `Не больше ${max}` : `От ${min} до ${max}`,
    too_short: ({ min }) => `Не меньше ${min}`,
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
