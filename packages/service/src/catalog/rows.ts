import type { Database } from "@tally/db";
import type { Selectable } from "kysely";
import type { Executor } from "../kernel/index.ts";
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
