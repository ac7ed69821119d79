import type { Database, Db } from "@tally/db";
import type { Transaction } from "kysely";
import { inTransaction } from "../kernel/index.ts";
import type { WalletKey } from "../ledger/index.ts";

export type Trx = Transaction<Database>;
export type { WalletKey };

/** What every maintenance job is given: the database, the instant it runs at, its batch size. */
export interface MaintenanceOptions {
  db: Db;
  now: Date;
  /** Wallets (or accounts) picked per round; the job runs rounds until nothing is left. */
  batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 500;

/**
 * Locks a wallet row and its customer row, as lockCustomer does (the wallet lock comes
 * first in every balance change), and answers the customer's uuid; null if gone.
 */
export async function lockWallet(trx: Trx, key: WalletKey): Promise<string | null> {
  const row = await trx
    .selectFrom("wallets as w")
    .innerJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "w.account_id").onRef("c.uuid", "=", "w.customer_uuid"),
    )
    .select("w.customer_uuid")
    .where("w.account_id", "=", key.account_id)
    .where("w.id", "=", key.wallet_id)
    .forUpdate(["w", "c"])
    .executeTakeFirst();
  return row?.customer_uuid ?? null;
}

/** Distinct wallets of a candidate list, first-seen order kept. */
export function distinctWallets(rows: WalletKey[]): WalletKey[] {
  const seen = new Map<string, WalletKey>();
  for (const r of rows) {
    const k = `${r.account_id}/${r.wallet_id}`;
    if (!seen.has(k)) seen.set(k, { account_id: r.account_id, wallet_id: r.wallet_id });
  }
  return [...seen.values()];
}

/**
 * Runs `perWallet` in a transaction of its own for each wallet `findDue` answers,
 * round after round until a round finds none, and adds up the counts it returns;
 * `wallets` counts the wallets where anything changed.
 */
export async function sweepWallets<T extends Record<string, number>>(opts: {
  db: Db;
  zero: T;
  findDue: () => Promise<WalletKey[]>;
  perWallet: (trx: Trx, key: WalletKey) => Promise<T>;
}): Promise<T & { wallets: number }> {
  const out = { ...opts.zero, wallets: 0 } as T & { wallets: number };
  const totals = out as Record<string, number>;
  for (;;) {
    const due = await opts.findDue();
    if (due.length === 0) return out;
    for (const key of due) {
      const counts = await inTransaction(opts.db, (trx) => opts.perWallet(trx, key));
      if (Object.values(counts).some((n) => n > 0)) totals.wallets = (totals.wallets ?? 0) + 1;
      for (const [name, n] of Object.entries(counts)) totals[name] = (totals[name] ?? 0) + n;
    }
  }
}
