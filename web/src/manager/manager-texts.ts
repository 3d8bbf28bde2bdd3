import { defaultSourceCode } from "@guestcard/shared";
import { useTexts } from "../i18n";

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
  failed: "That didn't work. Check the connection and try again.",
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
  failed: "Не получилось. Проверьте связь и попробуйте ещё раз.",
};

/** The manager texts in the language the rest of the app speaks. */
export function useManagerTexts(): ManagerTexts {
  return useTexts().locale.startsWith("ru") ? ru : en;
}

/** The default source keeps the name the migration gave it until a manager renames it; show it in their language. */
export function sourceDisplayName(texts: ManagerTexts, source: { code: string; name: string }): string {
  return source.code === defaultSourceCode && source.name === defaultSourceMigrationName
    ? texts.defaultSource
    : source.name;
}

const defaultSourceMigrationName = "Direct link";
