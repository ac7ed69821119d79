import { DomainError, notFound, validateConditions } from "@tally/core";
import { type Database, type Db, json } from "@tally/db";
import {
  REWARD_ATTRIBUTE_SCHEMAS,
  type TReward,
  type TRewardInsert,
  type TRewardUpdateInput,
} from "@tally/schemas";
import type { Selectable } from "kysely";
import { assertBrand } from "../accounts/index.ts";
import {
  type CursorPage,
  canonical,
  cursorPageOf,
  type Executor,
  iso,
  newId,
  parseOrThrow,
  type ServiceDeps,
  transact,
} from "../kernel/index.ts";
import { findCatalogRow, listCatalogRows } from "./rows.ts";
import { toRewardView } from "./views.ts";

type RewardRow = Selectable<Database["rewards"]>;

/** A reward with when it was archived (the internal API's view). */
export type TRewardRecord = TReward & { archived_at: string | null };

export const toRewardRecord = (r: RewardRow): TRewardRecord => ({
  ...toRewardView(r),
  archived_at: iso(r.archived_at),
});

/** The stored columns of a reward write, checked as createReward checks them. */
async function rewardColumns(db: Db, accountId: string, input: TRewardInsert) {
  const conditions = validateConditions(input.conditions, "conditions");
  const attributes = parseOrThrow(
    REWARD_ATTRIBUTE_SCHEMAS[input.type],
    input.attributes,
    "attributes",
  );
  if (input.brand_id) await assertBrand(db, accountId, input.brand_id);
  return {
    brand_id: input.brand_id ?? null,
    platforms: input.platforms ?? null,
    name: input.name,
    description: input.description ?? null,
    type: input.type,
    conditions,
    attributes,
  };
}

async function lockReward(db: Executor, accountId: string, id: string): Promise<RewardRow> {
  const row = await findCatalogRow(db, "rewards", accountId, id, { lock: true });
  if (!row) throw notFound("reward", id);
  return row;
}

/**
 * Creates a reward as REST does; with a client-given `id`, a retry answers the reward of that id
 * when it holds the same fields, and is a CONFLICT when it holds others.
 */
export async function createRewardOnce(
  deps: ServiceDeps,
  accountId: string,
  input: TRewardInsert & { id?: string | undefined },
): Promise<TRewardRecord> {
  const columns = await rewardColumns(deps.db, accountId, input);
  const id = input.id ?? newId();
  const now = deps.now();
  return transact(deps, async (trx) => {
    const existing = await trx
      .selectFrom("rewards")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    if (existing) {
      const { id: _, ...stored } = toRewardView(existing);
      if (canonical(stored) !== canonical(columns))
        throw new DomainError("CONFLICT", `id: reward ${id} already exists with other fields`);
      return toRewardRecord(existing);
    }
    const row = await trx
      .insertInto("rewards")
      .values({
        account_id: accountId,
        id,
        ...columns,
        platforms: json(columns.platforms),
        conditions: json(columns.conditions),
        attributes: json(columns.attributes),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRewardRecord(row);
  });
}

/**
 * Changes the fields given (`attributes` replaced whole, checked against the reward's type). The
 * type never changes; an archived reward does not change at all (409).
 */
export async function updateReward(
  deps: ServiceDeps,
  accountId: string,
  input: TRewardUpdateInput,
): Promise<TRewardRecord> {
  return transact(deps, async (trx) => {
    const row = await lockReward(trx, accountId, input.id);
    if (row.archived_at)
      throw new DomainError(
        "CONFLICT",
        `id: reward ${row.id} is archived and can no longer change`,
      );
    const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const columns = await rewardColumns(trx, accountId, {
      ...toRewardView(row),
      ...given,
    } as unknown as TRewardInsert);
    const updated = await trx
      .updateTable("rewards")
      .set({
        ...columns,
        platforms: json(columns.platforms),
        conditions: json(columns.conditions),
        attributes: json(columns.attributes),
        updated_at: deps.now(),
      })
      .where("account_id", "=", accountId)
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRewardRecord(updated);
  });
}

/**
 * Archives a reward (docs/api-decisions.md#internal-rewards): no campaign may give it any more,
 * so it may be archived only once every campaign naming it is archived or finished (409 naming
 * one); lots already earned stay spendable and expire as before. Archiving again answers it.
 */
export async function archiveReward(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<TRewardRecord> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const row = await lockReward(trx, accountId, id);
    if (row.archived_at) return toRewardRecord(row);
    // Campaign writes lock the campaign; this read sees every committed one.
    const live = await trx
      .selectFrom("campaigns")
      .select("id")
      .where("account_id", "=", accountId)
      .where("archived_at", "is", null)
      .where((eb) => eb.or([eb("end_date", "is", null), eb("end_date", ">", now)]))
      .where((eb) =>
        eb.or([
          eb(eb.fn("jsonb_path_exists", ["rules", eb.val(pathTo(row.id))]), "=", true),
          eb(eb.fn("jsonb_path_exists", ["referee_rules", eb.val(pathTo(row.id))]), "=", true),
        ]),
      )
      .orderBy("id")
      .executeTakeFirst();
    if (live)
      throw new DomainError(
        "CONFLICT",
        `id: campaign ${live.id} can still give reward ${row.id}; archive or end it first`,
      );
    const updated = await trx
      .updateTable("rewards")
      .set({ archived_at: now, updated_at: now })
      .where("account_id", "=", accountId)
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRewardRecord(updated);
  });
}

/** A JSON path finding an effect that names `rewardId` in a campaign's rules. */
const pathTo = (rewardId: string) => `$[*].effects[*] ? (@.reward_id == "${rewardId}")`;

/** One reward with its archive date, or 404. */
export async function getRewardRecord(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<TRewardRecord> {
  const row = await findCatalogRow(deps.db, "rewards", accountId, id);
  if (!row) throw notFound("reward", id);
  return toRewardRecord(row);
}

/** The account's rewards by id (time-ordered), filtered by type, brand and archived. */
export function listRewardRecords(
  deps: ServiceDeps,
  accountId: string,
  q: CursorPage & {
    type?: TReward["type"] | undefined;
    brand_id?: string | undefined;
    archived?: boolean | undefined;
  },
) {
  return cursorPageOf(q, async (page) =>
    (await listCatalogRows(deps.db, "rewards", accountId, q, page)).map(toRewardRecord),
  );
}
