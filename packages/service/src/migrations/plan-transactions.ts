import { D, DomainError, dec } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { TMigrateTransaction } from "@tally/schemas";
import type Decimal from "decimal.js";
import type { Insertable, Selectable } from "kysely";
import { newId } from "../kernel/index.ts";
import { replacementKey } from "./keys.ts";
import type { ItemContext, ItemOutcome } from "./shared.ts";

export type TransactionInsert = Insertable<Database["transactions"]>;
type Fresh = { t: TMigrateTransaction; key: string };

/** What reconciling one customer's history needs, as the per-item and the bulk path load it. */
export interface ReconcileState {
  /** Sum of the customer's MIGRATION lots per reward. */
  balance: Map<string, Decimal>;
  /** The customer's opening-balance MIGRATION transactions (`bal:` keys), any reward. */
  openings: Selectable<Database["transactions"]>[];
  /** Rewards whose history (`txn:` keys) was migrated before. */
  migrated: Set<string>;
}

/** The records of an item not migrated before (with their keys), and the item's counts. */
export function freshRecords(
  item: { transactions: TMigrateTransaction[] },
  keys: string[],
  existing: { has(key: string): boolean },
): { fresh: Fresh[]; outcome: ItemOutcome } {
  const fresh = item.transactions.flatMap((t, j) =>
    existing.has(keys[j]!) ? [] : [{ t, key: keys[j]! }],
  );
  return {
    fresh,
    outcome: {
      records: item.transactions.length,
      duplicates: item.transactions.length - fresh.length,
    },
  };
}

/** The distinct rewards of the fresh records, in order of first appearance. */
export const freshRewardIds = (fresh: Fresh[]): string[] => [
  ...new Set(fresh.map((f) => f.t.reward_id)),
];

function historyRow(
  base: { accountId: string; walletId: string; customerUuid: string; now: Date },
  f: Fresh,
  rewardType: string,
): TransactionInsert {
  const t = f.t;
  return {
    account_id: base.accountId,
    id: newId(),
    wallet_id: base.walletId,
    customer_uuid: base.customerUuid,
    reward_id: t.reward_id,
    brand_id: t.brand_id ?? null,
    channel_id: t.channel_id ?? null,
    store_id: t.store_id ?? null,
    funded_by: t.funded_by ?? null,
    event_type: t.event?.type ?? null,
    reward_type: rewardType,
    type: t.type,
    amount: String(t.amount),
    cost: String(t.cost ?? 0),
    details: t.details ?? null,
    migration_key: f.key,
    issued_at: new Date(t.issued_at),
    created_at: base.now,
    attributes: json({
      migrated: true,
      resolved_at: t.resolved_at ?? null,
      event: t.event ?? null,
    }),
    metadata: json({}),
  };
}

/**
 * Why one reward's fresh history of a customer does not reconcile, or undefined when it does:
 * its history was migrated before, or its `records` sum to other than the migrated balance.
 */
export function reconciliationProblem(r: {
  rewardId: string;
  records: number;
  sum: Decimal;
  expected: Decimal;
  migrated: boolean;
}): string | undefined {
  if (r.migrated)
    return `reward ${r.rewardId}: its history was already migrated; ${r.records} further transaction(s) would not reconcile`;
  if (!r.sum.eq(r.expected))
    return `reward ${r.rewardId}: migrated transactions sum to ${r.sum.toString()} but the migrated balance is ${r.expected.toString()}`;
  return undefined;
}

/**
 * The ledger rows of a customer's fresh history (see apply-transactions.ts for why): per
 * reconciled reward, one negative MIGRATION row replacing each opening transaction, then
 * the history rows. Throws RECONCILIATION_MISMATCH (nothing to write) when a reward's
 * fresh history does not sum to its migrated balance or was migrated before.
 */
export function reconciledRows(w: {
  ctx: ItemContext;
  walletId: string;
  customerUuid: string;
  fresh: Fresh[];
  rewards: Map<string, { type: string }>;
  state: ReconcileState;
}): TransactionInsert[] {
  const rewardIds = freshRewardIds(w.fresh);
  const problems: string[] = [];
  for (const rewardId of rewardIds) {
    const expected = w.state.balance.get(rewardId) ?? new D(0);
    const mine = w.fresh.filter((f) => f.t.reward_id === rewardId);
    const sum = mine.reduce((s, f) => s.plus(dec(f.t.amount)), new D(0));
    const problem = reconciliationProblem({
      rewardId,
      records: mine.length,
      sum,
      expected,
      migrated: w.state.migrated.has(rewardId),
    });
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new DomainError("RECONCILIATION_MISMATCH", problems.join("; "));

  const wanted = new Set(rewardIds);
  const rows: TransactionInsert[] = w.state.openings
    .filter((o) => wanted.has(o.reward_id))
    .map((o) => ({
      ...o,
      id: newId(),
      line_id: o.line_id,
      reverses_id: o.id,
      amount: dec(o.amount).neg().toString(),
      details: "Opening balance replaced by the migrated history",
      migration_key: replacementKey(o.migration_key!),
      created_at: w.ctx.now,
      attributes: json({ replaced_by_history: true }),
      metadata: json({}),
    }));
  const base = {
    accountId: w.ctx.accountId,
    walletId: w.walletId,
    customerUuid: w.customerUuid,
    now: w.ctx.now,
  };
  for (const f of w.fresh) rows.push(historyRow(base, f, w.rewards.get(f.t.reward_id)!.type));
  return rows;
}
