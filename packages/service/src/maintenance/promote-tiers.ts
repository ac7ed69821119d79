import { tierToPromote } from "@tally/core";
import type { TReevaluation } from "@tally/schemas";
import { sql } from "kysely";
import { lockCustomerByUuid } from "../customers/index.ts";
import { customerFacts, type ServiceDeps, tierFacts } from "../kernel/index.ts";
import { DEFAULT_BATCH_SIZE, type MaintenanceOptions } from "./shared.ts";

/**
 * Accounts up to this many customers are re-evaluated within the call that changed their tier
 * ladder; larger ones by the tier job (docs/api-decisions.md#internal-tier-ladder).
 */
export const INLINE_REEVALUATION_LIMIT = 2_000;

/** What one promoteChangedLadders run changed. */
export interface PromoteTiersResult {
  accounts: number;
  customers: number;
}

/**
 * Every account (or `accountId`) whose tier ladder changed since its customers were last
 * re-evaluated: each customer rises to the highest ACTIVE tier above its own whose entry
 * conditions hold, one transaction per customer under its lock (as an event would lift it).
 * Nobody is demoted: that stays with the period's demotion. The account is marked done only
 * when the ladder did not change again during the run.
 */
export async function promoteChangedLadders(
  opts: MaintenanceOptions & { accountId?: string },
): Promise<PromoteTiersResult> {
  const out: PromoteTiersResult = { accounts: 0, customers: 0 };
  let query = opts.db
    .selectFrom("accounts")
    .select(["id", "tiers_changed_at"])
    .where("tiers_changed_at", "is not", null)
    .where(sql<boolean>`tiers_changed_at > coalesce(tiers_reevaluated_at, '-infinity')`)
    .orderBy("id");
  if (opts.accountId) query = query.where("id", "=", opts.accountId);
  for (const account of await query.execute()) {
    out.customers += await promoteAccount(opts, account.id);
    await opts.db
      .updateTable("accounts")
      .set({ tiers_reevaluated_at: opts.now })
      .where("id", "=", account.id)
      .where("tiers_changed_at", "<=", account.tiers_changed_at)
      .execute();
    out.accounts++;
  }
  return out;
}

async function promoteAccount(opts: MaintenanceOptions, accountId: string): Promise<number> {
  const tiers = await opts.db
    .selectFrom("tiers")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("level")
    .execute();
  const facts = tiers.map(tierFacts);
  const top = facts.filter((t) => t.status === "ACTIVE").at(-1);
  if (!top || top.level === 1) return 0;
  const target = (c: Parameters<typeof customerFacts>[0]) =>
    tierToPromote({
      tiers: facts,
      currentTierId: c.tier_id,
      ctx: { now: opts.now, event: null, customer: customerFacts(c) },
    });
  let promoted = 0;
  let after: string | null = null;
  for (;;) {
    let page = opts.db
      .selectFrom("customers")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("tier_id", "!=", top.id)
      .orderBy("uuid")
      .limit(opts.batchSize ?? DEFAULT_BATCH_SIZE);
    if (after) page = page.where("uuid", ">", after);
    const customers = await page.execute();
    if (customers.length === 0) return promoted;
    after = customers[customers.length - 1]!.uuid;
    for (const candidate of customers) {
      if (!target(candidate)) continue;
      const moved = await opts.db.transaction().execute(async (trx) => {
        const { customer } = await lockCustomerByUuid(trx, accountId, candidate.uuid);
        const to = target(customer);
        if (!to) return false;
        await trx
          .updateTable("customers")
          .set({ tier_id: to.id, updated_at: opts.now })
          .where("account_id", "=", accountId)
          .where("uuid", "=", customer.uuid)
          .execute();
        return true;
      });
      if (moved) promoted++;
    }
  }
}

/**
 * After a tier ladder change committed: an account of at most INLINE_REEVALUATION_LIMIT
 * customers is re-evaluated now (`promoted` of them rose); a larger one is left to the tier job
 * (`queued`), which runs promoteChangedLadders every tick.
 */
export async function reevaluateLadder(
  deps: ServiceDeps,
  accountId: string,
): Promise<TReevaluation> {
  const { n } = await deps.db
    .selectFrom("customers")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  if (Number(n) > INLINE_REEVALUATION_LIMIT) return { promoted: null, queued: true };
  const done = await promoteChangedLadders({ db: deps.db, now: deps.now(), accountId });
  return { promoted: done.customers, queued: false };
}
