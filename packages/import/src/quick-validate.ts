import {
  MAX_AMOUNT,
  MAX_DECIMALS,
  TRANSACTION_TYPES,
  ZDateTimeSchema,
  ZUuidSchema,
} from "@tally/schemas";

/**
 * A fast accept for the common transactions item, in front of the zod schema: the importer
 * validates millions of records and zod was most of its CPU. It only ever *accepts* — an item
 * it is unsure of (an unknown or untrimmed field, an `event`, any value out of its plain
 * shapes) goes to zod, which then accepts it or words every reject exactly as before. What it
 * accepts zod accepts unchanged (test/quick-validate.test.ts compares them on generated items).
 * Dates and uuids are checked by zod's own leaf schemas, remembered per text: files repeat them.
 */
const TYPES: ReadonlySet<string> = new Set(TRANSACTION_TYPES);
const RECORD_KEYS: ReadonlySet<string> = new Set([
  "brand_id",
  "reward_id",
  "details",
  "type",
  "issued_at",
  "resolved_at",
  "amount",
  "cost",
  "store_id",
  "channel_id",
  "funded_by",
]);
const RECORD_LIMIT = 100_000;

/** Leaf answers of zod, remembered per text (bounded). */
function remembered(check: (text: string) => boolean) {
  const known = new Map<string, boolean>();
  return (text: string): boolean => {
    let ok = known.get(text);
    if (ok === undefined) {
      ok = check(text);
      if (known.size >= 10_000) known.clear();
      known.set(text, ok);
    }
    return ok;
  };
}
const isDate = remembered((text) => ZDateTimeSchema.safeParse(text).success);
const isUuid = remembered((text) => ZUuidSchema.safeParse(text).success);

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** An amount the amount schemas take as it is: finite, bounded, at most 8 decimals, no exponent. */
function isAmount(v: unknown, min: number): boolean {
  if (typeof v !== "number" || !(v >= min && v <= MAX_AMOUNT)) return false;
  const text = String(v);
  if (text.includes("e")) return false;
  const dot = text.indexOf(".");
  return dot < 0 || text.length - dot - 1 <= MAX_DECIMALS;
}

/** An id (brand, store, channel, customer) that trimming leaves as it is. */
const isId = (v: unknown): boolean =>
  typeof v === "string" && v.length >= 1 && v.length <= 128 && v.trim() === v;

const absent = (v: unknown) => v === undefined || v === null;

function isPlainRecord(t: unknown): boolean {
  if (!isPlain(t)) return false;
  for (const key in t) if (!RECORD_KEYS.has(key)) return false;
  return (
    typeof t.reward_id === "string" &&
    isUuid(t.reward_id) &&
    typeof t.type === "string" &&
    TYPES.has(t.type) &&
    typeof t.issued_at === "string" &&
    isDate(t.issued_at) &&
    isAmount(t.amount, -MAX_AMOUNT) &&
    (absent(t.resolved_at) || (typeof t.resolved_at === "string" && isDate(t.resolved_at))) &&
    (absent(t.cost) || isAmount(t.cost, 0)) &&
    (absent(t.brand_id) || isId(t.brand_id)) &&
    (absent(t.store_id) || isId(t.store_id)) &&
    (absent(t.channel_id) || isId(t.channel_id)) &&
    (absent(t.details) || (typeof t.details === "string" && t.details.length <= 2000)) &&
    (absent(t.funded_by) || (typeof t.funded_by === "string" && t.funded_by.length <= 64))
  );
}

/** `raw` when it is a plain transactions item zod would take unchanged, else undefined (ask zod). */
export function quickTransactionsItem(raw: unknown): unknown {
  if (!isPlain(raw)) return undefined;
  for (const key in raw) if (key !== "id" && key !== "transactions") return undefined;
  const list = raw.transactions;
  if (!isId(raw.id) || !Array.isArray(list) || list.length < 1 || list.length > RECORD_LIMIT)
    return undefined;
  for (const t of list) if (!isPlainRecord(t)) return undefined;
  return raw;
}
