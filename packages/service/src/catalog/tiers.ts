import { DomainError, notFound, tierToPromote, validateConditions } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { TTier, TTierReorderInput, TTierUpdateInput, TTierWrite } from "@tally/schemas";
import { type Selectable, sql, type Transaction } from "kysely";
import {
  type CursorPage,
  canonical,
  customerFacts,
  newId,
  pgCode,
  type ServiceDeps,
  tierFacts,
  transact,
} from "../kernel/index.ts";
import { findCatalogRow } from "./rows.ts";
import { toTierView } from "./views.ts";

type Trx = Transaction<Database>;
type TierRow = Selectable<Database["tiers"]>;

/** The account's tiers by level. */
export async function listTiers(deps: ServiceDeps, accountId: string): Promise<TTier[]> {
  const rows = await deps.db
    .selectFrom("tiers")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("level")
    .execute();
  return rows.map(toTierView);
}

/** The account's tiers by level, as one cursor page (an account has at most ten). */
export async function listTierPage(deps: ServiceDeps, accountId: string, page: CursorPage) {
  const tiers = await listTiers(deps, accountId);
  const after = page.cursor === undefined ? 0 : Number(page.cursor);
  const rest = tiers.filter((t) => t.level > after);
  const items = rest.slice(0, page.limit);
  const more = rest.length > items.length;
  return { items, next_cursor: more ? String(items[items.length - 1]!.level) : null };
}

/** Notes that the ladder changed, so its customers are re-evaluated (docs/api-decisions.md#internal-tier-ladder). */
const markLadderChanged = (trx: Trx, accountId: string, now: Date) =>
  trx.updateTable("accounts").set({ tiers_changed_at: now }).where("id", "=", accountId).execute();

const levelTaken = (level: number) =>
  new DomainError("CONFLICT", `level: a tier with level ${level} already exists`);

async function lockTier(trx: Trx, accountId: string, id: string): Promise<TierRow> {
  const row = await findCatalogRow(trx, "tiers", accountId, id, { lock: true });
  if (!row) throw notFound("tier", id);
  return row;
}

/** The columns a tier write stores, its conditions validated. */
function tierColumns(input: TTierWrite) {
  return {
    name: input.name,
    description: input.description ?? null,
    status: input.status,
    level: input.level,
    entry_conditions: validateConditions(input.entry_conditions, "entry_conditions"),
    exit_conditions: validateConditions(input.exit_conditions, "exit_conditions"),
  };
}

/**
 * Creates a tier at a free level 2–10 (level 1 is the Base tier every account has). With a
 * client-given `id`, a retry answers the tier of that id when it holds the same fields, and is a
 * CONFLICT when it holds others.
 */
export async function createTier(
  deps: ServiceDeps,
  accountId: string,
  input: TTierWrite & { id?: string | undefined },
): Promise<TTier> {
  if (input.level === 1)
    throw new DomainError("CONFLICT", "level: 1 is the Base tier, which every account already has");
  const columns = tierColumns(input);
  const id = input.id ?? newId();
  try {
    return await transact(deps, async (trx) => {
      const existing = await trx
        .selectFrom("tiers")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
      if (existing) return sameTier(existing, columns, id);
      const row = await trx
        .insertInto("tiers")
        .values({
          account_id: accountId,
          id,
          ...columns,
          entry_conditions: json(columns.entry_conditions),
          exit_conditions: json(columns.exit_conditions),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await markLadderChanged(trx, accountId, deps.now());
      return toTierView(row);
    });
  } catch (error) {
    if (pgCode(error) === "23505") throw levelTaken(input.level);
    throw error;
  }
}

function sameTier(row: TierRow, columns: ReturnType<typeof tierColumns>, id: string): TTier {
  const view = toTierView(row);
  const { id: _, ...stored } = view;
  if (canonical(stored) !== canonical(columns))
    throw new DomainError("CONFLICT", `id: tier ${id} already exists with other fields`);
  return view;
}

/**
 * Changes the fields given. The Base tier (level 1) keeps its level and stays ACTIVE: every
 * customer starts there. Another tier's level must be free (tiers.reorder swaps levels).
 */
export async function updateTier(
  deps: ServiceDeps,
  accountId: string,
  input: TTierUpdateInput,
): Promise<TTier> {
  try {
    return await transact(deps, async (trx) => {
      const row = await lockTier(trx, accountId, input.id);
      const next = tierColumns({
        ...toTierView(row),
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      } as unknown as TTierWrite);
      if (row.level === 1 && next.level !== 1)
        throw new DomainError("CONFLICT", "level: the Base tier stays at level 1");
      if (row.level !== 1 && next.level === 1)
        throw new DomainError("CONFLICT", "level: 1 is the Base tier's");
      if (row.level === 1 && next.status !== "ACTIVE")
        throw new DomainError("CONFLICT", "status: the Base tier stays ACTIVE");
      const updated = await trx
        .updateTable("tiers")
        .set({
          ...next,
          entry_conditions: json(next.entry_conditions),
          exit_conditions: json(next.exit_conditions),
          updated_at: deps.now(),
        })
        .where("account_id", "=", accountId)
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await markLadderChanged(trx, accountId, deps.now());
      return toTierView(updated);
    });
  } catch (error) {
    if (pgCode(error) === "23505") throw levelTaken(input.level ?? 0);
    throw error;
  }
}

/**
 * Gives each named tier its new level in one statement (levels are checked at its end, so two
 * tiers may swap). The Base tier stays at level 1; the resulting levels must be distinct.
 */
export async function reorderTiers(
  deps: ServiceDeps,
  accountId: string,
  input: TTierReorderInput,
): Promise<TTier[]> {
  return transact(deps, async (trx) => {
    const tiers = await trx
      .selectFrom("tiers")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("level")
      .forUpdate()
      .execute();
    const byId = new Map(tiers.map((t) => [t.id, t]));
    const wanted = new Map<string, number>();
    for (const [i, { id, level }] of input.levels.entries()) {
      const tier = byId.get(id);
      if (!tier) throw new DomainError("NOT_FOUND", `levels[${i}].id: tier "${id}" not found`);
      if (wanted.has(id))
        throw new DomainError("VALIDATION_FAILED", `levels[${i}].id: tier "${id}" is listed twice`);
      if ((tier.level === 1) !== (level === 1))
        throw new DomainError(
          "CONFLICT",
          `levels[${i}].level: the Base tier, and only it, is at level 1`,
        );
      wanted.set(id, level);
    }
    const levels = tiers.map((t) => wanted.get(t.id) ?? t.level);
    const clash = levels.find((l, i) => levels.indexOf(l) !== i);
    if (clash !== undefined)
      throw new DomainError("CONFLICT", `levels: two tiers would be at level ${clash}`);
    const moved = tiers.filter((t) => wanted.has(t.id) && wanted.get(t.id) !== t.level);
    if (moved.length) {
      const now = deps.now();
      // One statement: the deferrable unique level is checked when it ends, so tiers may swap.
      const cases = sql.join(
        moved.map((t) => sql`when ${t.id}::uuid then ${wanted.get(t.id)!}::integer`),
        sql` `,
      );
      await trx
        .updateTable("tiers")
        .set({ level: sql<number>`case id ${cases} end`, updated_at: now })
        .where("account_id", "=", accountId)
        .where(
          "id",
          "in",
          moved.map((t) => t.id),
        )
        .execute();
      await markLadderChanged(trx, accountId, now);
    }
    const rows = await trx
      .selectFrom("tiers")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("level")
      .execute();
    return rows.map(toTierView);
  });
}

/**
 * Deletes a tier other than Base. Its customers move, in the same transaction and under their
 * locks, to the highest lower ACTIVE tier whose entry conditions hold (Base at least); effects
 * naming the tier keep their `tier_id` and simply match no one. Answers the ladder left and how
 * many customers moved.
 */
export async function deleteTier(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<{ tiers: TTier[]; moved: number }> {
  const now = deps.now();
  // A customer promoted into the tier by an event that committed between our move and our
  // delete fails the delete's foreign key: the delete is tried again (it moves that one too).
  for (let attempt = 1; ; attempt++) {
    try {
      return await transact(deps, async (trx) => {
        const tier = await lockTier(trx, accountId, id);
        if (tier.level === 1)
          throw new DomainError("CONFLICT", "id: the Base tier cannot be deleted");
        const tiers = await trx
          .selectFrom("tiers")
          .selectAll()
          .where("account_id", "=", accountId)
          .orderBy("level")
          .execute();
        const lower = tiers.filter((t) => t.level < tier.level).map(tierFacts);
        const base = lower.find((t) => t.level === 1)!;
        const customers = await trx
          .selectFrom("wallets as w")
          .innerJoin("customers as c", (j) =>
            j.onRef("c.account_id", "=", "w.account_id").onRef("c.uuid", "=", "w.customer_uuid"),
          )
          .selectAll("c")
          .where("c.account_id", "=", accountId)
          .where("c.tier_id", "=", tier.id)
          .orderBy("c.uuid")
          .forUpdate(["w", "c"])
          .execute();
        for (const c of customers) {
          const to =
            tierToPromote({
              tiers: lower,
              currentTierId: tier.id,
              ctx: { now, event: null, customer: customerFacts(c) },
            }) ?? base;
          await trx
            .updateTable("customers")
            .set({ tier_id: to.id, updated_at: now })
            .where("account_id", "=", accountId)
            .where("uuid", "=", c.uuid)
            .execute();
        }
        await trx
          .deleteFrom("tiers")
          .where("account_id", "=", accountId)
          .where("id", "=", tier.id)
          .execute();
        await markLadderChanged(trx, accountId, now);
        return {
          tiers: tiers.filter((t) => t.id !== tier.id).map(toTierView),
          moved: customers.length,
        };
      });
    } catch (error) {
      if (pgCode(error) !== "23503" || attempt >= 3) throw error;
    }
  }
}
