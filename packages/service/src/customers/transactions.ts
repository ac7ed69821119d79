import { addUnits, startOfUtcDay } from "@tally/core";
import type { TTransaction } from "@tally/schemas";
import type { ServiceDeps } from "../kernel/index.ts";
import { listTransactionsOfCustomer, type TransactionFilters } from "../ledger/index.ts";
import { findCustomer } from "./customers.ts";

/**
 * One customer's ledger: a calendar year, or by default the last three months (from the start of
 * the same day three months ago, clamped to that month's last day: on 31 May, from 29 February).
 */
export async function listCustomerTransactions(
  deps: ServiceDeps,
  accountId: string,
  customerId: string,
  q: TransactionFilters & { year?: number | undefined },
): Promise<TTransaction[]> {
  const customer = await findCustomer(deps.db, accountId, customerId);
  const now = deps.now();
  const from = q.year
    ? new Date(Date.UTC(q.year, 0, 1))
    : startOfUtcDay(addUnits(now, -3, "month"));
  const to = q.year ? new Date(Date.UTC(q.year + 1, 0, 1)) : new Date(now.getTime() + 1);
  return listTransactionsOfCustomer(deps, accountId, customer.uuid, { ...q, from, to });
}
