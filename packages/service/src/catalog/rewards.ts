import { notFound, validateConditions } from "@tally/core";
import { json } from "@tally/db";
import { REWARD_ATTRIBUTE_SCHEMAS, type TReward, type TRewardInsert } from "@tally/schemas";
import { assertBrand } from "../accounts/index.ts";
import { listPage, newId, parseOrThrow, type ServiceDeps, transact } from "../kernel/index.ts";
import { toRewardView } from "./views.ts";

/** Creates a reward after checking its brand, its conditions and its type's attributes. */
export async function createReward(
  deps: ServiceDeps,
  accountId: string,
  input: TRewardInsert,
): Promise<TReward> {
  const conditions = validateConditions(input.conditions, "conditions");
  const attributes = parseOrThrow(
    REWARD_ATTRIBUTE_SCHEMAS[input.type],
    input.attributes,
    "attributes",
  );
  if (input.brand_id) await assertBrand(deps.db, accountId, input.brand_id);
  const now = deps.now();
  return transact(deps, async (trx) => {
    const row = await trx
      .insertInto("rewards")
      .values({
        account_id: accountId,
        id: newId(),
        brand_id: input.brand_id ?? null,
        platforms: json(input.platforms ?? null),
        name: input.name,
        description: input.description ?? null,
        type: input.type,
        conditions: json(conditions),
        attributes: json(attributes),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRewardView(row);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** True when `id` can be a row id at all (anything else is simply not found). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** One reward of the account, or 404 "reward not found". */
export async function getReward(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<TReward> {
  if (!isUuid(id)) throw notFound("reward", id);
  const row = await deps.db
    .selectFrom("rewards")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("reward", id);
  return toRewardView(row);
}

/** Rewards by 0-based inclusive index range, oldest first, with the total count. */
export async function listRewards(
  deps: ServiceDeps,
  accountId: string,
  q: {
    from: number;
    to: number;
    brand_id?: string | undefined;
    type?: TReward["type"] | undefined;
  },
) {
  let query = deps.db.selectFrom("rewards").where("account_id", "=", accountId);
  if (q.brand_id) query = query.where("brand_id", "=", q.brand_id);
  if (q.type) query = query.where("type", "=", q.type);
  const page = await listPage(query, q);
  return { data: page.rows.map(toRewardView), from: page.from, to: page.to, count: page.count };
}
