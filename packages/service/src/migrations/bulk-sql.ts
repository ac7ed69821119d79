import type { Database } from "@tally/db";
import { sql, type Transaction } from "kysely";

type Trx = Transaction<Database>;

/** A column of a set-wise insert: its name and PostgreSQL type. */
export type BulkColumn = readonly [name: string, type: string];

export const TRANSACTION_COLUMNS: BulkColumn[] = [
  ["account_id", "uuid"],
  ["id", "uuid"],
  ["wallet_id", "uuid"],
  ["customer_uuid", "uuid"],
  ["reward_id", "uuid"],
  ["line_id", "uuid"],
  ["event_id", "uuid"],
  ["campaign_id", "uuid"],
  ["reverses_id", "uuid"],
  ["brand_id", "text"],
  ["channel_id", "text"],
  ["store_id", "text"],
  ["funded_by", "text"],
  ["event_type", "text"],
  ["reward_type", "text"],
  ["type", "text"],
  ["amount", "numeric"],
  ["cost", "numeric"],
  ["details", "text"],
  ["receiver_id", "text"],
  ["sender_id", "text"],
  ["migration_key", "text"],
  ["issued_at", "timestamptz"],
  ["created_at", "timestamptz"],
  ["attributes", "jsonb"],
  ["metadata", "jsonb"],
];

export const LINE_COLUMNS: BulkColumn[] = [
  ["account_id", "uuid"],
  ["id", "uuid"],
  ["wallet_id", "uuid"],
  ["reward_id", "uuid"],
  ["campaign_id", "uuid"],
  ["brand_id", "text"],
  ["event_id", "uuid"],
  ["source", "text"],
  ["amount", "numeric"],
  ["remaining", "numeric"],
  ["reserved", "numeric"],
  ["issued_at", "timestamptz"],
  ["expiration_date", "timestamptz"],
  ["reservation_expires_at", "timestamptz"],
  ["channel_id", "text"],
  ["store_id", "text"],
  ["funded_by", "text"],
  ["created_at", "timestamptz"],
];

/** A value as an array element parameter: dates as ISO text, absent as NULL. */
function param(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return String(value);
  return value;
}

/** Rows of at most this many go in one statement (keeps each parameter array moderate). */
const CHUNK = 5000;

/**
 * Inserts rows set-wise, one array parameter per column unnested into rows (one round
 * trip per 5,000 rows, on `pg` and PGlite alike); `suffix` may add e.g. ON CONFLICT.
 * Answers what `returning` gives when the suffix has one.
 */
export async function insertUnnest<R = unknown>(
  trx: Trx,
  table: string,
  columns: BulkColumn[],
  rows: Record<string, unknown>[],
  suffix = sql``,
): Promise<R[]> {
  const out: R[] = [];
  for (let at = 0; at < rows.length; at += CHUNK) {
    const chunk = rows.slice(at, at + CHUNK);
    const arrays = columns.map(
      ([name, type]) => sql`${chunk.map((r) => param(r[name]))}::${sql.raw(type)}[]`,
    );
    const result = await sql<R>`insert into ${sql.table(table)} (${sql.join(
      columns.map(([name]) => sql.ref(name)),
    )}) select * from unnest(${sql.join(arrays)}) ${suffix}`.execute(trx);
    out.push(...result.rows);
  }
  return out;
}
