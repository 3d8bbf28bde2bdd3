import type { PGlite } from "@electric-sql/pglite";
import type postgres from "postgres";

/** Runs one statement and returns its rows, on either database. */
export type RunQuery = (text: string) => Promise<Record<string, unknown>[]>;

export const onPglite =
  (client: PGlite): RunQuery =>
  async (text) =>
    (await client.query<Record<string, unknown>>(text)).rows;

export const onPostgres =
  (sql: postgres.Sql): RunQuery =>
  async (text) => [...(await sql.unsafe<Record<string, unknown>[]>(text))];

/**
 * Every row of every table of the application (schema public) and of the migrations' bookkeeping
 * (schema drizzle), each as its jsonb text, sorted: two databases with equal results hold the same
 * rows, column for column. The time zone is fixed first, so timestamps print alike on both kinds.
 */
export async function tableRows(run: RunQuery): Promise<Record<string, string[]>> {
  await run("set timezone = 'UTC'");
  const tables = await run(`
    select schemaname || '.' || tablename as name from pg_tables
    where schemaname in ('public', 'drizzle') order by 1`);
  const result: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await run(`select to_jsonb(t)::text as row from ${String(name)} t`);
    result[String(name)] = rows.map((row) => String(row.row)).sort();
  }
  return result;
}
