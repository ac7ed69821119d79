import { DomainError } from "@tally/core";
import type { Database, TransactionType } from "@tally/db";
import type { TTransaction } from "@tally/schemas";
import { type SelectQueryBuilder, sql } from "kysely";
import type { ServiceDeps } from "../kernel/index.ts";
import { toTransactionView } from "./views.ts";

/** The transaction lists' filters (Masivo's query parameters). */
export interface TransactionFilters {
  brand_id?: string | undefined;
  reward_id?: string | undefined;
  campaign_id?: string | undefined;
  event_id?: string | undefined;
  type?: TransactionType | undefined;
  funded_by?: string | undefined;
}

function filtered<O>(
  query: SelectQueryBuilder<Database, "transactions" | "customers", O>,
  f: TransactionFilters,
) {
  let q = query;
  if (f.brand_id) q = q.where("transactions.brand_id", "=", f.brand_id);
  if (f.reward_id) q = q.where("transactions.reward_id", "=", f.reward_id);
  if (f.campaign_id) q = q.where("transactions.campaign_id", "=", f.campaign_id);
  if (f.event_id) q = q.where("transactions.event_id", "=", f.event_id);
  if (f.type) q = q.where("transactions.type", "=", f.type);
  if (f.funded_by) q = q.where("transactions.funded_by", "=", f.funded_by);
  return q;
}

function base(deps: ServiceDeps, accountId: string) {
  return deps.db
    .selectFrom("transactions")
    .innerJoin("customers", (j) =>
      j
        .onRef("customers.account_id", "=", "transactions.account_id")
        .onRef("customers.uuid", "=", "transactions.customer_uuid"),
    )
    .selectAll("transactions")
    .select("customers.id as customer_id")
    .where("transactions.account_id", "=", accountId);
}

/** Parses DD-MM-YYYY as a real calendar day in UTC (years 0001–9999 as written), or 400. */
export function parseDay(date: string): Date {
  const [d, m, y] = date.split("-").map(Number);
  // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999.
  const day = new Date(0);
  day.setUTCFullYear(y!, m! - 1, d!);
  if (day.getUTCDate() !== d || day.getUTCMonth() !== m! - 1 || day.getUTCFullYear() !== y) {
    throw new DomainError("VALIDATION_FAILED", `date: ${date} is not a calendar day (DD-MM-YYYY)`);
  }
  if (y! < 1) throw new DomainError("VALIDATION_FAILED", `date: years run from 0001 to 9999`);
  return day;
}

/** The account's ledger of one UTC day, by id after `cursor`, at most `limit` (≤1000) rows. */
export async function listTransactionsOfDay(
  deps: ServiceDeps,
  accountId: string,
  q: TransactionFilters & { date: string; cursor?: string | undefined; limit: number },
): Promise<TTransaction[]> {
  const day = parseDay(q.date);
  let query = filtered(base(deps, accountId), q)
    .where("transactions.created_at", ">=", day)
    // The next day in SQL: after 31-12-9999 comes a year JavaScript would write as "+010000".
    .where("transactions.created_at", "<", sql<Date>`${day}::timestamptz + interval '1 day'`);
  if (q.cursor) query = query.where("transactions.id", ">", q.cursor);
  const rows = await query.orderBy("transactions.id").limit(q.limit).execute();
  return rows.map((r) => toTransactionView(r, r.customer_id));
}

/** One customer's ledger rows created in [from, to), newest first, at most 10,000. */
export async function listTransactionsOfCustomer(
  deps: ServiceDeps,
  accountId: string,
  customerUuid: string,
  q: TransactionFilters & { from: Date; to: Date },
): Promise<TTransaction[]> {
  const rows = await filtered(base(deps, accountId), q)
    .where("transactions.customer_uuid", "=", customerUuid)
    .where("transactions.created_at", ">=", q.from)
    .where("transactions.created_at", "<", q.to)
    .orderBy("transactions.id", "desc")
    .limit(10_000)
    .execute();
  return rows.map((r) => toTransactionView(r, r.customer_id));
}
