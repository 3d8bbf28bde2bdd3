import {
  type FieldError,
  fieldErrorMessage,
  type GuestImportColumn,
  type GuestImportLineError,
  type GuestImportResponse,
  guestImportColumns,
  guestImportRowSchema,
  issuesToFields,
  textOrNull,
} from "@guestcard/shared";
import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { safeParse } from "zod/v4/core";
import type { Database } from "../db/client";
import { accounts } from "../db/schema";
import { ApiError } from "../errors";
import { normalizePhone } from "../guests/phone";

/**
 * Rows per INSERT. Each batch is one statement, so it is written whole or not at all. The rows travel
 * as one JSON parameter (`json_to_recordset`): building a 5,000-row VALUES list with 40,000
 * parameters costs more time in the query builder than the database spends inserting them.
 */
const batchSize = 5000;

/** One row of `json_to_recordset`: the accounts columns by their SQL names. */
interface NewAccount {
  phone: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  gender: "male" | "female" | null;
  birthday: string | null;
  email: string | null;
}

/**
 * Imports a restaurant's guest base from CSV (docs/api.md, `POST /api/manager/accounts/import`).
 * Good records are created as accounts of origin `import`; a phone that already has an account,
 * or that an earlier record of the same file already brought, is skipped (never overwriting what a
 * guest entered); a bad record is reported with the physical line where it starts and the rest
 * goes on. Throws 422 when the file cannot be read as a guest base at all (no `phone` column).
 */
export async function importGuests(db: Database, csv: Buffer): Promise<GuestImportResponse> {
  const errors: GuestImportLineError[] = [];
  const lines = new LineCounter(csv);
  let header: Array<GuestImportColumn | undefined> | undefined;
  const valid: NewAccount[] = [];
  const phonesInFile = new Set<string>();
  let skipped = 0;
  let previousRecordEnd = 0;

  const onRecord = (fields: string[], endOffset: number) => {
    const line = lines.lineOfRecordStartingAfter(previousRecordEnd);
    previousRecordEnd = endOffset;
    if (header === undefined) {
      header = readHeader(fields);
      return;
    }
    if (fields.every((field) => field.trim() === "")) return; // ",,,," lines that spreadsheets leave behind
    if (fields.length !== header.length) {
      errors.push({
        line,
        message: `${fields.length} fields, but the header names ${header.length}`,
        code: "wrong_field_count",
        params: { fields: fields.length, expected: header.length },
      });
      return;
    }
    const result = readRecord(header, fields);
    if ("fieldErrors" in result) {
      errors.push({
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
      skipped += 1;
      return;
    }
    phonesInFile.add(result.account.phone);
    valid.push(result.account);
  };

  try {
    parse(csv, {
      bom: true,
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
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The one error the relaxed parser still raises: a quote that is never closed swallows the rest
    // of the file, so the record it opens, and everything after it, cannot be read.
    if (header === undefined) throw new ApiError("validation_failed", "The file is not readable CSV.");
    const line = lines.lineOfRecordStartingAfter(previousRecordEnd);
    const unclosedQuote = (error as { code?: string }).code === "CSV_QUOTE_NOT_CLOSED";
    const reason = unclosedQuote ? "a quote is never closed" : "it is not valid CSV";
    errors.push({
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

  let created = 0;
  for (let start = 0; start < valid.length; start += batchSize) {
    const batch = valid.slice(start, start + batchSize);
    const inserted = await db.execute<{ id: string }>(sql`
      insert into ${accounts} (phone, last_name, first_name, middle_name, gender, birthday, email, origin)
      select phone, last_name, first_name, middle_name, gender, birthday, email, 'import'
      from json_to_recordset(${JSON.stringify(batch)}::json)
        as imported(phone text, last_name text, first_name text, middle_name text, gender text, birthday date, email text)
      on conflict (phone) do nothing
      returning id`);
    const createdInBatch = rowCount(inserted);
    created += createdInBatch;
    skipped += batch.length - createdInBatch;
  }
  return { created, skipped, errors };
}

/** Column names → known columns (unknown ones become undefined and are ignored). */
function readHeader(fields: string[]): Array<GuestImportColumn | undefined> {
  const columns = fields.map((field) => {
    const name = field.trim().toLowerCase();
    return (guestImportColumns as readonly string[]).includes(name) ? (name as GuestImportColumn) : undefined;
  });
  if (!columns.includes("phone")) {
    throw new ApiError("validation_failed", "The header row has no `phone` column.", {
      phone: { code: "column_missing", params: { column: "phone" } },
    });
  }
  const repeated = columns.find((column, index) => column !== undefined && columns.indexOf(column) !== index);
  if (repeated) {
    throw new ApiError("validation_failed", `The header names the column \`${repeated}\` twice.`, {
      [repeated]: { code: "column_repeated", params: { column: repeated } },
    });
  }
  return columns;
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
    gender: cells.gender ? cells.gender.toLowerCase() : null,
    birthday: cells.birthday ?? "",
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

  constructor(private readonly bytes: Buffer) {}

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

/** Rows a statement returned: PGlite answers `{ rows }`, postgres.js an array. */
function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  return (result as { rows?: unknown[] }).rows?.length ?? 0;
}
