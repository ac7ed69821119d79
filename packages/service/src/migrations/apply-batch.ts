import type { Database, Db } from "@tally/db";
import type { TMigrateCustomer, TMigrateTransactions, TMigrationType } from "@tally/schemas";
import { sql, type Transaction } from "kysely";
import { retryTransient } from "../kernel/index.ts";
import type { AppliedItem } from "./apply-item.ts";
import { applyCustomersBatch, BulkNotApplicable } from "./bulk-customers.ts";
import { applyTransactionsBatch } from "./bulk-transactions.ts";

class DryRun extends Error {}

/**
 * Applies many validated migrate items in one transaction, set-wise (see bulk-*.ts), with
 * the same outcome per item as applyMigrationItem one by one: a failing item is reported
 * and written nothing, the others commit. `beforeCommit` runs in the transaction with the
 * outcomes (the importer's checkpoint commits with the rows it covers); with `dryRun` the
 * transaction is rolled back after it. Answers undefined when the batch is for the
 * per-item path (events; a customer twice in the batch; see BulkNotApplicable). Deadlocks
 * are retried; any other error is thrown with nothing written.
 */
export async function applyMigrationBatch(opts: {
  db: Db;
  accountId: string;
  now: Date;
  type: TMigrationType;
  items: { id: string }[];
  dryRun?: boolean;
  beforeCommit?: (trx: Transaction<Database>, applied: AppliedItem[]) => Promise<void>;
}): Promise<AppliedItem[] | undefined> {
  if (opts.type === "EVENTS") return undefined;
  if (new Set(opts.items.map((i) => i.id)).size !== opts.items.length) return undefined;
  const ctx = { accountId: opts.accountId, now: opts.now };
  let applied: AppliedItem[] = [];
  try {
    await retryTransient(() =>
      opts.db.transaction().execute(async (trx) => {
        applied =
          opts.type === "CUSTOMERS"
            ? await applyCustomersBatch(trx, ctx, opts.items as TMigrateCustomer[])
            : await applyTransactionsBatch(
                trx,
                ctx,
                opts.items as TMigrateTransactions["customers"],
              );
        await opts.beforeCommit?.(trx, applied);
        if (opts.dryRun) throw new DryRun();
      }),
    );
    return applied;
  } catch (error) {
    if (error instanceof DryRun) return applied;
    if (error instanceof BulkNotApplicable) return undefined;
    throw error;
  }
}

/** The tables an import of each type fills (their planner statistics go stale as it does). */
const IMPORTED_TABLES: Record<TMigrationType, string[]> = {
  CUSTOMERS: ["customers", "wallets", "wallet_lines", "transactions"],
  EVENTS: ["customers", "events", "transactions"],
  TRANSACTIONS: ["customers", "wallets", "wallet_lines", "transactions"],
};

/**
 * Refreshes the planner statistics of the tables an import fills (ANALYZE samples a fixed
 * number of rows, so this costs tenths of a second at any size). A bulk load outruns
 * autovacuum: with statistics from when a table was nearly empty, PostgreSQL plans a batch's
 * lookups of 1,000 customers as scans of the whole account (measured: 0.3 s each at 1M rows,
 * most of the import's database time). Waits at most 5 s for a lock (another ANALYZE or a
 * VACUUM of the same tables); a role that does not own the tables only gets a warning.
 */
export async function refreshImportStatistics(db: Db, type: TMigrationType): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local lock_timeout = '5s'`.execute(trx);
    await sql`analyze ${sql.join(IMPORTED_TABLES[type].map((t) => sql.table(t)))}`.execute(trx);
  });
}
