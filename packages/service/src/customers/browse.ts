import { dec } from "@tally/core";
import type { TCustomer, TInternalTransaction } from "@tally/schemas";
import { sql } from "kysely";
import { type CursorPage, cursorPageOf, type ServiceDeps, uuidCursor } from "../kernel/index.ts";
import { toTransactionView } from "../ledger/index.ts";
import { customerWithWallet, findCustomer } from "./customers.ts";
import { toCustomerView } from "./views.ts";

/** An exact amount as the internal API carries it: plain decimal notation, never exponents. */
export const decimalText = (v: string | number): string => dec(v).toFixed();

/**
 * customers.search (internal API): the account's customers by any of id, email (ignoring
 * case), a tag key their `tags` hold, or tier; ordered by the account's ids, cursor-paged.
 */
export async function searchCustomers(
  deps: ServiceDeps,
  accountId: string,
  q: CursorPage & { id?: string; email?: string; tag?: string; tier_id?: string },
): Promise<{ items: TCustomer[]; next_cursor: string | null }> {
  const now = deps.now();
  const page = await cursorPageOf(q, ({ after, take }) => {
    let query = deps.db.selectFrom("customers").selectAll().where("account_id", "=", accountId);
    if (q.id !== undefined) query = query.where("id", "=", q.id);
    if (q.email !== undefined) query = query.where(sql`lower(email)`, "=", q.email.toLowerCase());
    if (q.tag !== undefined) query = query.where(sql<boolean>`tags ? ${q.tag}`);
    if (q.tier_id !== undefined) query = query.where("tier_id", "=", q.tier_id);
    if (after !== undefined) query = query.where("id", ">", after);
    return query.orderBy("id").limit(take).execute();
  });
  return { ...page, items: page.items.map((c) => toCustomerView(c, now)) };
}

/** customers.get (internal API): the customer with its wallet, as REST answers it. */
export async function getCustomerWithWallet(deps: ServiceDeps, accountId: string, id: string) {
  const row = await findCustomer(deps.db, accountId, id);
  return customerWithWallet(deps.db, accountId, row, deps.now());
}

/** customers.ledger (internal API): the customer's transactions, newest first, cursor-paged. */
export async function listCustomerLedger(
  deps: ServiceDeps,
  accountId: string,
  q: CursorPage & { customer_id: string },
): Promise<{ items: TInternalTransaction[]; next_cursor: string | null }> {
  const customer = await findCustomer(deps.db, accountId, q.customer_id);
  const before = q.cursor === undefined ? undefined : uuidCursor(q.cursor);
  const page = await cursorPageOf({ ...q, cursor: before }, ({ after, take }) => {
    let query = deps.db
      .selectFrom("transactions")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("customer_uuid", "=", customer.uuid);
    // Newest first: the next page holds the ids below the cursor (ids are time-ordered).
    if (after !== undefined) query = query.where("id", "<", after);
    return query.orderBy("id", "desc").limit(take).execute();
  });
  return {
    ...page,
    items: page.items.map((t) => ({
      ...toTransactionView(t, customer.id),
      amount: decimalText(t.amount),
      cost: decimalText(t.cost),
    })),
  };
}
