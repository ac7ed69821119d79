import { DomainError } from "@tally/core";
import type { Database, Db } from "@tally/db";
import type {
  TMigrateCustomer,
  TMigrateEvents,
  TMigrateTransactions,
  TMigrationType,
} from "@tally/schemas";
import type { Transaction } from "kysely";
import { pgCode, retryTransient } from "../kernel/index.ts";
import { applyCustomerItem } from "./apply-customers.ts";
import { applyEventsItem } from "./apply-events.ts";
import { applyTransactionsItem } from "./apply-transactions.ts";
import type { ItemContext, ItemOutcome } from "./shared.ts";

/** Applies one validated item of a migration type in the caller's transaction. */
export const APPLY: Record<
  TMigrationType,
  (trx: Transaction<Database>, ctx: ItemContext, item: unknown) => Promise<ItemOutcome>
> = {
  CUSTOMERS: (trx, ctx, item) => applyCustomerItem(trx, ctx, item as TMigrateCustomer),
  EVENTS: (trx, ctx, item) =>
    applyEventsItem(trx, ctx, item as TMigrateEvents["customers"][number]),
  TRANSACTIONS: (trx, ctx, item) =>
    applyTransactionsItem(trx, ctx, item as TMigrateTransactions["customers"][number]),
};

/** What applying one validated item answered: its outcome, or the error that rolled it back. */
export type AppliedItem =
  | ({ ok: true } & ItemOutcome)
  | { ok: false; code: string; details: string; error: unknown };

/** An item's failure (a domain error) as its outcome; any other error is thrown. */
export function failed(error: unknown): AppliedItem {
  if (error instanceof DomainError)
    return { ok: false, code: error.code, details: error.details, error };
  throw error;
}

class DryRun extends Error {}

/**
 * Applies one already validated migrate item (a customer, or a customer's events or
 * transactions) in its own transaction under the customer's wallet lock, retrying
 * deadlocks; with `dryRun` the transaction is always rolled back. A domain error or a data
 * error of the item is its failed outcome; any other error is thrown.
 */
export async function applyMigrationItem(opts: {
  db: Db;
  accountId: string;
  now: Date;
  type: TMigrationType;
  item: unknown;
  dryRun?: boolean;
}): Promise<AppliedItem> {
  const ctx = { accountId: opts.accountId, now: opts.now };
  let outcome: ItemOutcome | undefined;
  try {
    await retryTransient(() =>
      opts.db.transaction().execute(async (trx) => {
        outcome = await APPLY[opts.type](trx, ctx, opts.item);
        if (opts.dryRun) throw new DryRun();
      }),
    );
    return { ok: true, ...outcome! };
  } catch (error) {
    if (error instanceof DryRun) return { ok: true, ...outcome! };
    if (error instanceof DomainError) return failed(error);
    // Only an error the item's own data caused (a PostgreSQL data or constraint error) is the
    // item's outcome; anything else (a lost connection, a server shutting down) is thrown, so
    // the job is retried or the import stops and resumes at its checkpoint, never skipping it.
    if (!/^2[23]/.test(pgCode(error) ?? "")) throw error;
    return {
      ok: false,
      code: "INTERNAL",
      details: "internal error while applying this item",
      error,
    };
  }
}
