import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import type {
  TMigrateCustomer,
  TMigrateEvents,
  TMigrateTransactions,
  TMigrationType,
} from "@tally/schemas";
import { pgCode, TRANSIENT_PG_CODES } from "../deps.ts";
import { applyCustomerItem } from "./apply-customers.ts";
import { applyEventsItem } from "./apply-events.ts";
import { applyTransactionsItem } from "./apply-transactions.ts";
import type { ItemOutcome } from "./shared.ts";

/** What applying one validated item answered: its outcome, or the error that rolled it back. */
export type AppliedItem =
  | ({ ok: true } & ItemOutcome)
  | { ok: false; code: string; details: string; error: unknown };

const MAX_TRIES = 3;

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
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    let outcome: ItemOutcome | undefined;
    try {
      await opts.db.transaction().execute(async (trx) => {
        if (opts.type === "CUSTOMERS")
          outcome = await applyCustomerItem(trx, ctx, opts.item as TMigrateCustomer);
        else if (opts.type === "EVENTS")
          outcome = await applyEventsItem(
            trx,
            ctx,
            opts.item as TMigrateEvents["customers"][number],
          );
        else
          outcome = await applyTransactionsItem(
            trx,
            ctx,
            opts.item as TMigrateTransactions["customers"][number],
          );
        if (opts.dryRun) throw new DryRun();
      });
      return { ok: true, ...outcome! };
    } catch (error) {
      if (error instanceof DryRun) return { ok: true, ...outcome! };
      lastError = error;
      if (!TRANSIENT_PG_CODES.has(pgCode(error) ?? "")) break;
    }
  }
  if (lastError instanceof DomainError) return failed(lastError);
  // Only an error the item's own data caused (a PostgreSQL data or constraint error) is the
  // item's outcome; anything else (a lost connection, a server shutting down) is thrown, so the
  // job is retried or the import stops and resumes at its checkpoint, never skipping the item.
  if (!/^2[23]/.test(pgCode(lastError) ?? "")) throw lastError;
  return {
    ok: false,
    code: "INTERNAL",
    details: "internal error while applying this item",
    error: lastError,
  };
}
