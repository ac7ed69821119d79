import { DomainError } from "@tally/core";
import type { Database } from "@tally/db";
import type { Selectable, Transaction } from "kysely";

type Trx = Transaction<Database>;

/** What every item of a job is applied with. */
export interface ItemContext {
  accountId: string;
  now: Date;
}

/** What applying one item did: its records, and how many were already migrated (skipped). */
export interface ItemOutcome {
  records: number;
  duplicates: number;
}

/** The migration keys among `keys` that some transaction of the customer already carries, with its amount. */
export async function existingTransactionKeys(
  trx: Trx,
  accountId: string,
  customerUuid: string,
  keys: string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await trx
    .selectFrom("transactions")
    .select(["migration_key", "amount"])
    .where("account_id", "=", accountId)
    .where("customer_uuid", "=", customerUuid)
    .where("migration_key", "in", keys)
    .execute();
  return new Map(rows.map((r) => [r.migration_key!, r.amount]));
}

/** The rewards the records name; a reward deleted since the batch was queued fails the item. */
export async function rewardsOf(
  trx: Trx,
  accountId: string,
  records: { reward_id: string }[],
  field: string,
): Promise<Map<string, Selectable<Database["rewards"]>>> {
  const ids = [...new Set(records.map((r) => r.reward_id))];
  const rows = await trx
    .selectFrom("rewards")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "in", ids)
    .execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  checkRewards(found, records, field);
  return found;
}

/** Throws NOT_FOUND naming the first record whose reward is not among `found`. */
export function checkRewards(
  found: Map<string, unknown>,
  records: { reward_id: string }[],
  field: string,
): void {
  const j = records.findIndex((r) => !found.has(r.reward_id));
  if (j >= 0)
    throw new DomainError(
      "NOT_FOUND",
      `${field}[${j}].reward_id: reward ${JSON.stringify(records[j]!.reward_id)} not found`,
    );
}
