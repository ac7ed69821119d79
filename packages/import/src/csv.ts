import { dec } from "@tally/core";
import type { TMigrationType } from "@tally/schemas";

/** The profile columns of a customers CSV (taken from a customer's first row). */
const CUSTOMER_COLUMNS = [
  "id",
  "name",
  "email",
  "registration_date",
  "gender",
  "dob",
  "document_type",
  "document_number",
  "country",
  "metrics",
] as const;
/** The opening-balance lot columns of a customers CSV: each row with a reward_id is one lot. */
const BALANCE_COLUMNS = [
  "reward_id",
  "amount",
  "expiration_date",
  "brand_id",
  "channel_id",
  "store_id",
  "issued_at",
  "funded_by",
] as const;

/** The documented CSV columns of each import type (any order, all optional but the key). */
export const CSV_COLUMNS: Record<TMigrationType, readonly string[]> = {
  CUSTOMERS: [...CUSTOMER_COLUMNS, ...BALANCE_COLUMNS],
  EVENTS: [
    "customer_id",
    "type",
    "brand_id",
    "issued_at",
    "resolved_at",
    "channel_id",
    "store_id",
    "fulfilled",
    "purchase_id",
    "value",
    "discounted_value",
    "payment_method",
    "order",
  ],
  TRANSACTIONS: [
    "customer_id",
    "reward_id",
    "type",
    "amount",
    "issued_at",
    "resolved_at",
    "brand_id",
    "details",
    "cost",
    "store_id",
    "channel_id",
    "funded_by",
    "event",
  ],
};

/** The column naming the customer a row belongs to. */
export const csvKeyColumn = (type: TMigrationType) => (type === "CUSTOMERS" ? "id" : "customer_id");

const NUMERIC = new Set(["amount", "cost", "value", "discounted_value"]);
const JSON_COLUMNS = new Set(["metrics", "order", "event"]);
const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * Why a row's number cells cannot be carried exactly, if one cannot: the schemas take JSON
 * numbers (binary doubles), so a cell with more significant digits than a double keeps would
 * be rounded silently; such a row is rejected instead (docs/api-decisions.md#numbers-and-money: exact decimals).
 */
export function inexactNumber(row: Record<string, string>): string | null {
  for (const [column, text] of Object.entries(row)) {
    if (!NUMERIC.has(column) || !NUMBER_TEXT.test(text)) continue;
    if (!dec(text).eq(dec(Number(text)))) {
      return `${column}: ${text} has more significant digits than can be carried exactly (at most 15)`;
    }
  }
  return null;
}

/** A cell as the zod schema expects it: empty = absent, numbers, booleans and JSON columns decoded. */
function cellValue(column: string, text: string): unknown {
  if (text === "") return undefined;
  if (NUMERIC.has(column)) return NUMBER_TEXT.test(text) ? Number(text) : text;
  if (column === "fulfilled") return text === "true" ? true : text === "false" ? false : text;
  if (JSON_COLUMNS.has(column)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Throws naming the columns of `header` named twice or that the type does not know, or a
 * missing key column.
 */
export function checkCsvHeader(type: TMigrationType, header: string[]) {
  const twice = header.filter((c, i) => header.indexOf(c) !== i);
  if (twice.length > 0)
    throw new Error(`CSV column(s) ${[...new Set(twice)].join(", ")} named more than once`);
  const known = new Set(CSV_COLUMNS[type]);
  const unknown = header.filter((c) => !known.has(c));
  if (unknown.length > 0)
    throw new Error(
      `unknown CSV column(s) ${unknown.join(", ")}; a ${type.toLowerCase()} file has ${CSV_COLUMNS[type].join(",")}`,
    );
  if (!header.includes(csvKeyColumn(type)))
    throw new Error(`CSV header lacks the column ${csvKeyColumn(type)}`);
}

const pick = (row: Record<string, string>, columns: readonly string[]) => {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c] === undefined ? undefined : cellValue(c, row[c]);
    if (v !== undefined) out[c] = v;
  }
  return out;
};

/** The record of one CSV row inside its customer's item (a balance lot, an event, a transaction). */
function recordOf(type: TMigrationType, row: Record<string, string>): unknown {
  if (type === "CUSTOMERS") return row.reward_id ? pick(row, BALANCE_COLUMNS) : undefined;
  if (type === "TRANSACTIONS") return pick(row, CSV_COLUMNS.TRANSACTIONS.slice(1));
  const flat = pick(row, ["purchase_id", "value", "discounted_value", "payment_method"]);
  const given = cellValue("order", row.order ?? "");
  // Unreadable JSON stays a string, so the schema names the column.
  const order = typeof given === "string" ? given : { ...(given as object), ...flat };
  const event = pick(row, ["type", "brand_id", "issued_at", "resolved_at", "channel_id"]);
  return { ...event, ...pick(row, ["store_id", "fulfilled"]), order };
}

/**
 * The migrate item of one customer's consecutive CSV rows, and for each record in it the
 * row index it came from (so a bad field is reported on its own line).
 */
export function itemFromCsvRows(type: TMigrationType, rows: Record<string, string>[]) {
  const key = rows[0]![csvKeyColumn(type)] ?? "";
  const records: unknown[] = [];
  const recordRows: number[] = [];
  rows.forEach((row, i) => {
    const record = recordOf(type, row);
    if (record === undefined) return;
    records.push(record);
    recordRows.push(i);
  });
  if (type === "CUSTOMERS") {
    const item = { ...pick(rows[0]!, CUSTOMER_COLUMNS), id: key };
    return { item: records.length > 0 ? { ...item, balance: records } : item, recordRows };
  }
  const field = type === "EVENTS" ? "events" : "transactions";
  return { item: { id: key, [field]: records }, recordRows };
}
