import type { Database } from "@tally/db";
import type { Selectable } from "kysely";
import { type Executor, uuidCursor } from "../kernel/index.ts";
import { isUuid } from "./rewards.ts";

type CatalogTable = "campaigns" | "rewards" | "tiers";

/**
 * The account's row `id` of a catalog table, locked FOR UPDATE with `lock` (inside a
 * transaction); undefined when there is none, an id that is not a uuid included.
 */
export async function findCatalogRow<T extends CatalogTable>(
  db: Executor,
  table: T,
  accountId: string,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<Selectable<Database[T]> | undefined> {
  if (!isUuid(id)) return undefined;
  // One table's query stands for all three: each has account_id and id as its key.
  const query = db
    .selectFrom(table as "campaigns")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id);
  const row = await (opts.lock ? query.forUpdate() : query).executeTakeFirst();
  return row as Selectable<Database[T]> | undefined;
}

/** What a list of campaigns or rewards may be narrowed by. */
export interface CatalogListFilter {
  type?: string | undefined;
  brand_id?: string | undefined;
  archived?: boolean | undefined;
}

/**
 * One page of the account's campaigns or rewards in id order, after the row `after` (a cursor
 * checked to be a uuid), narrowed by type, brand and archive state.
 */
export async function listCatalogRows<T extends "campaigns" | "rewards">(
  db: Executor,
  table: T,
  accountId: string,
  filter: CatalogListFilter,
  page: { after: string | undefined; take: number },
): Promise<Selectable<Database[T]>[]> {
  // One table's query stands for both: each has these columns.
  let query = db
    .selectFrom(table as "campaigns")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("id")
    .limit(page.take);
  if (page.after) query = query.where("id", ">", uuidCursor(page.after));
  if (filter.type)
    query = query.where("type", "=", filter.type as Selectable<Database["campaigns"]>["type"]);
  if (filter.brand_id) query = query.where("brand_id", "=", filter.brand_id);
  if (filter.archived !== undefined)
    query = query.where("archived_at", filter.archived ? "is not" : "is", null);
  return (await query.execute()) as Selectable<Database[T]>[];
}
