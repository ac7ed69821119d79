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

export const EVENT_COLUMNS: BulkColumn[] = [
  ["account_id", "uuid"],
  ["id", "uuid"],
  ["customer_uuid", "uuid"],
  ["brand_id", "text"],
  ["type", "text"],
  ["status", "text"],
  ["source", "text"],
  ["fulfilled", "boolean"],
  ["reserve", "integer"],
  ["purchase_id", "text"],
  ["migration_key", "text"],
  ["payload", "jsonb"],
  ["payload_hash", "text"],
  ["issued_at", "timestamptz"],
  ["processing_at", "timestamptz"],
  ["resolved_at", "timestamptz"],
  ["cancelled_at", "timestamptz"],
  ["expired_at", "timestamptz"],
  ["reversed_at", "timestamptz"],
  ["reservation_expires_at", "timestamptz"],
  ["reverse_reason", "text"],
  ["rewarding_campaigns", "jsonb"],
  ["result", "jsonb"],
  ["created_at", "timestamptz"],
];

/** Rows of at most this many go in one statement (keeps each JSON parameter moderate). */
const CHUNK = 5000;

type WellFormed = { isWellFormed(): boolean; toWellFormed(): string }; // ES2024, Node 20

/**
 * A value as it travels, in the JSON rows or as one parameter: dates as ISO text, numbers
 * as their decimal text, absent as NULL, and a string with a lone UTF-16 surrogate (which
 * jsonb refuses) with U+FFFD in its place, as `pg` stores it when it is a parameter.
 */
function cell(v: unknown): unknown {
  if (typeof v === "string") {
    const w = v as unknown as WellFormed;
    return w.isWellFormed() ? v : w.toWellFormed();
  }
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number") return String(v);
  return v ?? null;
}

/** Whether every row holds the same value in `name` (the same object, e.g. the batch's time, at once). */
function constantIn(rows: Record<string, unknown>[], name: string): boolean {
  const raw = rows[0]![name];
  const first = cell(raw);
  for (let k = 1; k < rows.length; k++) {
    const v = rows[k]![name];
    if (v !== raw && cell(v) !== first) return false;
  }
  return true;
}

const columnLists = new WeakMap<
  BulkColumn[],
  { names: string; casts: string; value: ((v: unknown) => unknown)[] }
>();

/**
 * The rows as one jsonb parameter of positional rows (as insertRows sends them, every column
 * varying) and `select …` of them as `columns`, with the same text for any number of rows:
 * PostgreSQL prepares and plans such a statement once per connection. Unlike insertRows, a
 * jsonb column's cell is the value itself (an object, not json() text), nested in the rows'
 * JSON, so it is serialised and parsed once. For the few rows of a request; insertRows is for
 * batches.
 */
export function selectRows(columns: BulkColumn[], rows: Record<string, unknown>[]) {
  let list = columnLists.get(columns);
  if (!list) {
    list = {
      names: columns.map(([name]) => `"${name}"`).join(", "),
      casts: columns
        .map(([, type], i) => (type === "jsonb" ? `(x->${i})` : `(x->>${i})::${type}`))
        .join(", "),
      // A jsonb column's value goes as it is (a top-level number or date stays one).
      value: columns.map(([, type]) => (type === "jsonb" ? (v: unknown) => v ?? null : cell)),
    };
    columnLists.set(columns, list);
  }
  const { value } = list;
  const json = JSON.stringify(rows.map((r) => columns.map(([name], i) => value[i]!(r[name]))));
  return {
    /** The column list, quoted. */
    names: sql.raw(list.names),
    select: sql`select ${sql.raw(list.casts)} from jsonb_array_elements(${json}::jsonb) as x`,
  };
}

/** `insert into <table> (<columns>) select …` of the rows (see selectRows). */
export function insertRowsSql(
  table: string,
  columns: BulkColumn[],
  rows: Record<string, unknown>[],
) {
  const { names, select } = selectRows(columns, rows);
  return sql`insert into ${sql.table(table)} (${names}) ${select}`;
}

/**
 * Inserts rows set-wise: each chunk of 5,000 rows is one jsonb parameter, an array of rows,
 * each row an array of its varying values in column order, read back with `->>` and cast to
 * the column's type; a column holding one value in every row of the chunk (the account, the
 * time of the batch, …) is one scalar parameter instead. One round trip per chunk, on `pg`
 * and PGlite alike. JSON.stringify is native and positional rows carry no key names, so
 * this costs the importer far less CPU and garbage than one array parameter per column (or
 * one object per row). Absent values are NULL; dates go as ISO text; a jsonb column's value
 * is the JSON text `json()` made of it. `suffix` may add e.g. ON CONFLICT; answers what
 * `returning` gives when the suffix has one.
 */
export async function insertRows<R = unknown>(
  trx: Trx,
  table: string,
  columns: BulkColumn[],
  rows: Record<string, unknown>[],
  suffix = sql``,
): Promise<R[]> {
  const out: R[] = [];
  for (let at = 0; at < rows.length; at += CHUNK) {
    const chunk = rows.slice(at, at + CHUNK);
    const varying = columns.filter(([name]) => !constantIn(chunk, name)).map(([name]) => name);
    const position = new Map(varying.map((name, i) => [name, i]));
    const values = columns.map(([name, type]) => {
      const i = position.get(name);
      return i === undefined
        ? sql`${cell(chunk[0]![name])}::${sql.raw(type)}`
        : sql`(x->>${sql.raw(String(i))})::${sql.raw(type)}`;
    });
    const json = JSON.stringify(chunk.map((r) => varying.map((name) => cell(r[name]))));
    const result = await sql<R>`insert into ${sql.table(table)} (${sql.join(
      columns.map(([name]) => sql.ref(name)),
    )}) select ${sql.join(values)} from jsonb_array_elements(${json}::jsonb) as x ${suffix}`.execute(
      trx,
    );
    out.push(...result.rows);
  }
  return out;
}
