import { createHash } from "node:crypto";
import { canonical } from "../canonical.ts";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

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
    const body = canonical(record);
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

/** Key of the row that replaces an opening balance by the migrated history (see transactions.ts). */
export const replacementKey = (openingKey: string): string =>
  `rep:${openingKey.slice(openingKey.indexOf(":") + 1)}`;
