import { dec } from "@tally/core";
import { sha256Hex as sha256 } from "../kernel/index.ts";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A record as its meaning, not its spelling: absent and null fields are the same,
 * dates are UTC instants and numbers exact decimals — so a resubmission written
 * differently ("2030-01-01" vs "2030-01-01T00:00:00Z", brand_id null vs absent)
 * still gets the same key.
 */
export function normalizeRecord(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeRecord);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, normalizeRecord(v)]),
    );
  }
  if (typeof value === "number") return dec(value).toString();
  if (typeof value === "string" && ISO_DATE.test(value)) {
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  return value;
}

const STRINGS = new Map<string, string>();

/**
 * A string as canonicalRecord spells it: JSON of the string, or of the UTC instant when it is a
 * date (cached: migrated files repeat their dates, ids and types).
 */
function stringText(text: string): string {
  let out = STRINGS.get(text);
  if (out === undefined) {
    const at = ISO_DATE.test(text) ? new Date(text) : undefined;
    out = JSON.stringify(at && !Number.isNaN(at.getTime()) ? at.toISOString() : text);
    if (STRINGS.size >= 10_000) STRINGS.clear();
    STRINGS.set(text, out);
  }
  return out;
}

const KEYS = new Map<string, string>();
/** JSON of an object key (cached: records repeat their field names). */
function keyText(key: string): string {
  let out = KEYS.get(key);
  if (out === undefined) {
    out = JSON.stringify(key);
    if (KEYS.size >= 10_000) KEYS.clear();
    KEYS.set(key, out);
  }
  return out;
}

/** dec(n).toString(): the shortest spelling of n, which decimal.js keeps unless it has an exponent. */
const numberText = (n: number): string => {
  const text = String(n);
  return text.includes("e") ? dec(n).toString() : text;
};

/**
 * canonical(normalizeRecord(value)) in one pass without the intermediate objects: the
 * importer keys millions of records, and this is most of that cost. Same output, tested.
 */
export function canonicalRecord(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((x) => canonicalRecord(x)).join(",")}]`;
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    // One string built in place: this runs for every record of every file.
    let out = "{";
    for (const k of Object.keys(record).sort()) {
      const v = record[k];
      if (v === null || v === undefined) continue;
      if (out.length > 1) out += ",";
      out += `${keyText(k)}:${canonicalRecord(v)}`;
    }
    return `${out}}`;
  }
  if (typeof value === "number") return `"${numberText(value)}"`;
  if (typeof value === "string") return stringText(value);
  return JSON.stringify(value);
}

/**
 * Deterministic migration keys for a customer's records: a hash of the customer
 * id, the record's canonical JSON (key order does not matter, so the key is the
 * same after a jsonb round trip) and how many identical records came before it in
 * the item — so a resubmission, even reordered, gets the same keys, while two
 * identical rows of one item (two equal redemptions) stay two records.
 */
export function recordKeys(prefix: string, customerId: string, records: unknown[]): string[] {
  const seen = new Map<string, number>();
  return records.map((record) => {
    const body = canonicalRecord(record);
    const occurrence = seen.get(body) ?? 0;
    seen.set(body, occurrence + 1);
    return `${prefix}:${sha256(`${customerId}\n${occurrence}\n${body}`)}`;
  });
}

/**
 * Keys of migrated events: customer + brand + purchase_id when the order has one
 * (a purchase re-sent with other details is still the same purchase), else the
 * event's canonical JSON as for other records.
 */
export function eventKeys(
  customerId: string,
  events: { brand_id?: string | null; order: { purchase_id?: string | null } }[],
): string[] {
  const byBody = recordKeys("evt", customerId, events);
  return events.map((e, i) =>
    e.order.purchase_id
      ? `evt:${sha256(`${customerId}\n${e.brand_id ?? ""}\npurchase\n${e.order.purchase_id}`)}`
      : byBody[i]!,
  );
}

/**
 * Keys of opening balances: one lot is identified by its reward, brand, issue and
 * expiry — not its amount, so a resubmission with a corrected amount is seen as
 * the same lot (and refused as a conflict) instead of being credited again. Lots
 * alike but for their amount are told apart in order of amount, not of position, so
 * a resubmission listing them in another order gets the same keys.
 */
export function balanceKeys(
  customerId: string,
  entries: {
    reward_id: string;
    brand_id?: string | null;
    issued_at?: string | null;
    expiration_date?: string | null;
    amount: number | string;
  }[],
): string[] {
  const order = entries.map((_, i) => i).sort((a, b) => amountOrder(entries[a]!, entries[b]!));
  const sorted = recordKeys(
    "bal",
    customerId,
    order.map((i) => {
      const e = entries[i]!;
      return {
        reward_id: e.reward_id,
        brand_id: e.brand_id,
        issued_at: e.issued_at,
        expiration_date: e.expiration_date,
      };
    }),
  );
  const keys: string[] = new Array(entries.length);
  order.forEach((i, k) => {
    keys[i] = sorted[k]!;
  });
  return keys;
}

/** Ascending amount, exactly (decimal text compared as decimals); equal amounts keep their order. */
const amountOrder = (a: { amount: number | string }, b: { amount: number | string }) =>
  dec(a.amount).comparedTo(dec(b.amount));

/** Key of the row that replaces an opening balance by the migrated history (see transactions.ts). */
export const replacementKey = (openingKey: string): string =>
  `rep:${openingKey.slice(openingKey.indexOf(":") + 1)}`;
