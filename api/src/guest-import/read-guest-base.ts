import {
  type FieldError,
  fieldErrorMessage,
  type GuestImportColumn,
  type GuestImportEncoding,
  type GuestImportLineError,
  guestImportColumnOf,
  guestImportRowSchema,
  issuesToFields,
  textOrNull,
} from "@guestcard/shared";
import { Parser } from "csv-parse";
import { safeParse } from "zod/v4/core";
import { ApiError } from "../errors";
import { normalizePhone } from "../guests/phone";

/** One account to create, by the accounts table's SQL column names (`json_to_recordset` reads them). */
export interface NewAccount {
  phone: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  gender: "male" | "female" | null;
  birthday: string | null;
  email: string | null;
}

export type GuestImportDelimiter = "," | ";" | "\t";

/** A guest base as the import reads it (docs/api.md, "Importing a guest base"). */
export interface GuestBase {
  encoding: GuestImportEncoding;
  delimiter: GuestImportDelimiter;
  /** Every header cell and the column it fills (undefined: ignored). */
  columns: Array<{ header: string; column: GuestImportColumn | undefined }>;
  /** Records after the header, blank ones not counted. */
  records: number;
  /** The good records, each phone once (its first good occurrence), in file order. */
  accounts: Array<{ line: number; account: NewAccount }>;
  /** Good records whose phone an earlier record of the file already brought. */
  repeats: number;
  /** The first `maxErrors` bad lines. */
  errors: GuestImportLineError[];
  /** All bad lines. */
  errorCount: number;
}

export interface ReadLimits {
  maxRecords: number;
  maxErrors: number;
}

/** Bytes parsed between two yields to the event loop: a few milliseconds of work (issue 16 item 6). */
const chunkBytes = 64 * 1024;

/** Records checked between two yields (a phone and the form's rules each: a few milliseconds). */
const recordsPerYield = 500;

/** Lets the requests that arrived meanwhile run (timers and I/O), not just the microtasks. */
export const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads a restaurant's guest base: the encoding (UTF-8 with or without BOM, UTF-16 with BOM,
 * otherwise Windows-1251, as a Russian Excel writes "CSV"), the delimiter (`,`, `;` or tab, from the
 * header row), Russian or English headers, dates as `DD.MM.YYYY` or `YYYY-MM-DD`, gender as
 * `м/ж/m/f/male/female`. Parses in chunks and yields between them, so a 20 MB file does not hold
 * the event loop. Throws 422 when the file cannot be a guest base at all: no header, no phone
 * column, a column named twice, more than `maxRecords` records.
 */
export async function readGuestBase(bytes: Uint8Array, limits: ReadLimits): Promise<GuestBase> {
  const { text, encoding } = decode(bytes);
  const delimiter = detectDelimiter(text);
  const utf8 = Buffer.from(text, "utf8");
  const base: GuestBase = {
    encoding,
    delimiter,
    columns: [],
    records: 0,
    accounts: [],
    repeats: 0,
    errors: [],
    errorCount: 0,
  };
  const lines = new LineCounter(utf8);
  let header: Array<GuestImportColumn | undefined> | undefined;
  const phonesInFile = new Set<string>();
  let previousRecordEnd = 0;
  let refusal: ApiError | undefined;

  const addError = (error: GuestImportLineError) => {
    base.errorCount += 1;
    if (base.errors.length < limits.maxErrors) base.errors.push(error);
  };

  // Records are only collected while parsing; they are checked after, once their number is known
  // to be within the cap, so a file far over it is refused without checking a single phone.
  const raw: Array<{ line: number; fields: string[] }> = [];
  const onRecord = (fields: string[], endOffset: number) => {
    if (refusal) return;
    const line = lines.lineOfRecordStartingAfter(previousRecordEnd);
    previousRecordEnd = endOffset;
    if (header === undefined) {
      base.columns = fields.map((cell) => ({ header: cell.trim(), column: guestImportColumnOf(cell) }));
      header = base.columns.map(({ column }) => column);
      refusal = headerProblem(header);
      return;
    }
    if (fields.every((field) => field.trim() === "")) return; // ";;;;" lines that spreadsheets leave behind
    base.records += 1;
    if (base.records > limits.maxRecords) {
      refusal = new ApiError(
        "validation_failed",
        `The file has more than ${limits.maxRecords} records: split it and import the parts.`,
        { file: { code: "too_many_records", params: { max: limits.maxRecords } } },
      );
      return;
    }
    raw.push({ line, fields });
  };

  const checkRecord = (
    columns: Array<GuestImportColumn | undefined>,
    { line, fields }: (typeof raw)[number],
  ) => {
    if (fields.length !== columns.length) {
      addError({
        line,
        message: `${fields.length} fields, but the header names ${columns.length}`,
        code: "wrong_field_count",
        params: { fields: fields.length, expected: columns.length },
      });
      return;
    }
    const result = readRecord(columns, fields);
    if ("fieldErrors" in result) {
      addError({
        line,
        message: Object.entries(result.fieldErrors)
          .map(([column, error]) => `${column}: ${fieldErrorMessage(error)}`)
          .join("; "),
        code: "invalid_fields",
        fieldErrors: result.fieldErrors,
      });
      return;
    }
    if (phonesInFile.has(result.account.phone)) {
      base.repeats += 1;
      return;
    }
    phonesInFile.add(result.account.phone);
    base.accounts.push({ line, account: result.account });
  };

  const parser = new Parser({
    delimiter,
    skip_empty_lines: true,
    // Field counts are checked per record above, so one odd line is reported instead of failing all.
    relax_column_count: true,
    // A stray quote inside a field ("Bar "Lounge"") is kept as text rather than derailing the parse.
    relax_quotes: true,
    on_record: (fields: string[], context) => {
      onRecord(fields, context.bytes);
      return null; // nothing is collected by the parser itself: records are handled as they come
    },
  });
  let parseError: unknown;
  parser.on("error", (error) => {
    parseError ??= error;
  });
  // Nothing is ever pushed (on_record keeps every record to itself), but the stream must flow to end.
  parser.resume();
  for (let offset = 0; offset < utf8.length && !refusal && parseError === undefined; offset += chunkBytes) {
    parser.write(utf8.subarray(offset, offset + chunkBytes));
    await yieldToOthers();
  }
  if (!refusal && parseError === undefined) {
    // The last record (and an unclosed quote) is only known at the end: 'finish', or 'error'.
    await new Promise<void>((resolve) => {
      parser.once("finish", resolve);
      parser.once("error", () => resolve());
      parser.end();
    });
  }
  if (refusal) throw refusal;
  if (header !== undefined) {
    for (let index = 0; index < raw.length; index += 1) {
      checkRecord(header, raw[index]!);
      if (index % recordsPerYield === recordsPerYield - 1) await yieldToOthers();
    }
  }
  if (parseError !== undefined) {
    // The one error the relaxed parser still raises: a quote that is never closed swallows the rest
    // of the file, so the record it opens, and everything after it, cannot be read.
    if (header === undefined) throw new ApiError("validation_failed", "The file is not readable CSV.");
    const line = lines.lineOfRecordStartingAfter(previousRecordEnd);
    const unclosedQuote = (parseError as { code?: string }).code === "CSV_QUOTE_NOT_CLOSED";
    const reason = unclosedQuote ? "a quote is never closed" : "it is not valid CSV";
    addError({
      line,
      message: `${reason}; this line and the rest of the file were not imported`,
      code: unclosedQuote ? "unclosed_quote" : "not_csv",
    });
  }
  if (header === undefined) {
    throw new ApiError("validation_failed", "The file is empty: it needs a header row naming the columns.", {
      phone: { code: "column_missing", params: { column: "phone" } },
    });
  }
  return base;
}

/**
 * The file's text. A BOM decides (UTF-8 or UTF-16 LE, as Excel's "Unicode text" writes); else bytes
 * that are valid UTF-8 are UTF-8, and anything else is Windows-1251, what a Russian Excel saves as
 * "CSV (разделители — точка с запятой)". A request's `charset` is not trusted: browsers and
 * spreadsheets state it wrongly as often as not.
 */
export function decode(bytes: Uint8Array): { text: string; encoding: GuestImportEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder("utf-16le").decode(bytes), encoding: "utf-16le" };
  }
  try {
    // The BOM, if any, is dropped by the decoder.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1251").decode(bytes), encoding: "windows-1251" };
  }
}

/** The delimiter the header row uses most, outside quotes: `,`, `;` or tab (`,` when it names one column). */
export function detectDelimiter(text: string): GuestImportDelimiter {
  const counts: Record<GuestImportDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && char in counts) counts[char as GuestImportDelimiter] += 1;
  }
  const best = (Object.keys(counts) as GuestImportDelimiter[]).reduce((a, b) =>
    counts[b] > counts[a] ? b : a,
  );
  return counts[best] > 0 ? best : ",";
}

function headerProblem(header: Array<GuestImportColumn | undefined>): ApiError | undefined {
  if (!header.includes("phone")) {
    return new ApiError("validation_failed", "The header row has no phone column.", {
      phone: { code: "column_missing", params: { column: "phone" } },
    });
  }
  const repeated = header.find((column, index) => column !== undefined && header.indexOf(column) !== index);
  if (repeated) {
    return new ApiError("validation_failed", `The header names the column ${repeated} twice.`, {
      [repeated]: { code: "column_repeated", params: { column: repeated } },
    });
  }
  return undefined;
}

/** `м`, `Ж`, `муж.`, `F`, `Female` → male / female; anything else is left for the schema to refuse. */
const genders: Record<string, "male" | "female"> = {
  м: "male",
  муж: "male",
  мужской: "male",
  мужчина: "male",
  m: "male",
  male: "male",
  man: "male",
  ж: "female",
  жен: "female",
  женский: "female",
  женщина: "female",
  f: "female",
  female: "female",
  woman: "female",
};

export function readGender(cell: string): string | null {
  const key = cell.trim().toLowerCase().replace(/\.$/, "");
  if (key === "") return null;
  return genders[key] ?? key;
}

/**
 * `14.05.1980` (and `4.5.1980`, and `14.05.1980 0:00:00` as Excel writes a date cell) → `1980-05-14`;
 * anything else is passed on as it is, for the schema to accept (`YYYY-MM-DD`) or refuse.
 */
export function readDate(cell: string): string {
  const match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+0?0:00(?::00)?)?$/.exec(cell.trim());
  if (!match) return cell.trim();
  const [, day, month, year] = match as unknown as [string, string, string, string];
  return `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}

function readRecord(
  header: Array<GuestImportColumn | undefined>,
  fields: string[],
): { account: NewAccount } | { fieldErrors: Record<string, FieldError> } {
  const cells: Partial<Record<GuestImportColumn, string>> = {};
  header.forEach((column, index) => {
    if (column) cells[column] = fields[index]?.trim() ?? "";
  });
  const problems: Record<string, FieldError> = {};
  const phone = normalizePhone(cells.phone ?? "");
  if (!cells.phone) problems.phone = { code: "required" };
  else if (!phone) problems.phone = { code: "not_a_phone" };

  const parsed = safeParse(guestImportRowSchema, {
    last_name: onOneLine(cells.last_name),
    first_name: onOneLine(cells.first_name),
    middle_name: onOneLine(cells.middle_name),
    gender: readGender(cells.gender ?? ""),
    birthday: readDate(cells.birthday ?? ""),
    email: cells.email ?? "",
  });
  if (!parsed.success) Object.assign(problems, issuesToFields(parsed.error.issues));
  if (Object.keys(problems).length > 0 || !phone || !parsed.success) return { fieldErrors: problems };
  const row = parsed.data;
  return {
    account: {
      phone,
      // The guest base may not know a name; the account keeps an empty one rather than inventing it.
      last_name: textOrNull(row.last_name) ?? "",
      first_name: textOrNull(row.first_name) ?? "",
      middle_name: textOrNull(row.middle_name),
      gender: row.gender ?? null,
      birthday: textOrNull(row.birthday),
      email: textOrNull(row.email),
    },
  };
}

/**
 * A spreadsheet cell may hold a line break where a name was wrapped; a name is one line (it heads a
 * review in the managers' chat), so line breaks and other control characters fold into one space.
 */
function onOneLine(name: string | undefined): string {
  return (name ?? "").replace(/[\p{Cc}\s]+/gu, " ").trim();
}

/**
 * Physical line numbers from byte offsets, counted forward once over the whole file.
 * A record starts right after the previous one's line break, past any blank lines the parser skipped.
 */
class LineCounter {
  private position = 0;
  private line = 1;

  constructor(private readonly bytes: Uint8Array) {}

  lineOfRecordStartingAfter(offset: number): number {
    this.advanceTo(offset);
    // Blank lines between records (skip_empty_lines) belong to no record.
    let start = offset;
    while (start < this.bytes.length && (this.bytes[start] === 0x0a || this.bytes[start] === 0x0d))
      start += 1;
    this.advanceTo(start);
    return this.line;
  }

  private advanceTo(offset: number) {
    for (; this.position < offset && this.position < this.bytes.length; this.position += 1) {
      if (this.bytes[this.position] === 0x0a) this.line += 1;
    }
  }
}
