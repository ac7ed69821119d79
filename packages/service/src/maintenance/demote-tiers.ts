import { tierToDemote } from "@tally/core";
import { sql } from "kysely";
import { lockCustomerByUuid } from "../customers/index.ts";
import { customerFacts, inTransaction, tierFacts } from "../kernel/index.ts";
import { recordWalletWebhook } from "../ledger/index.ts";
import { DEFAULT_BATCH_SIZE, type MaintenanceOptions } from "./shared.ts";

/** What one demoteTiers run changed. */
export interface DemoteTiersResult {
  /** Accounts whose tier period had started and that this run went through. */
  accounts: number;
  customers: number;
}

/** First instant (UTC) of the tier period holding `now`: monthly (default), quarterly or yearly. */
export function tierPeriodStart(period: string, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (period === "yearly") return new Date(Date.UTC(y, 0, 1));
  if (period === "quarterly") return new Date(Date.UTC(y, m - (m % 3), 1));
  return new Date(Date.UTC(y, m, 1));
}

/**
 * Once per tier period of each account (or of `accountId`): moves every customer whose tier's
 * exit conditions hold to the highest lower ACTIVE tier whose entry conditions hold, one
 * transaction per customer, then stamps the account's tiers_demoted_at. The work comes before
 * the stamp, so a run that fails part-way leaves the period due and the next tick does it
 * again; a customer moved in the period is marked (tier_demoted_at) and re-checked under its
 * lock, so a period done twice — a retry, or two workers at once — moves no one twice.
 */
export async function demoteTiers(
  opts: MaintenanceOptions & { accountId?: string },
): Promise<DemoteTiersResult> {
  const out: DemoteTiersResult = { accounts: 0, customers: 0 };
  let query = opts.db
    .selectFrom("accounts")
    .select(["id", "tier_period", "tiers_demoted_at", "created_at"])
    .orderBy("id");
  if (opts.accountId) query = query.where("id", "=", opts.accountId);
  for (const account of await query.execute()) {
    const start = tierPeriodStart(account.tier_period, opts.now);
    // An account is first due at the first period start after its creation.
    if ((account.tiers_demoted_at ?? account.created_at) >= start) continue;
    const demoted = await demoteAccount(opts, account.id, start);
    await opts.db
      .updateTable("accounts")
      .set({ tiers_demoted_at: opts.now })
      .where("id", "=", account.id)
      .where(sql<boolean>`coalesce(tiers_demoted_at, created_at) < ${start}`)
      .execute();
    out.accounts++;
    out.customers += demoted;
  }
  return out;
}

async function demoteAccount(
  opts: MaintenanceOptions,
  accountId: string,
  periodStart: Date,
): Promise<number> {
  const tiers = await opts.db
    .selectFrom("tiers")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("level")
    .execute();
  const facts = tiers.map(tierFacts);
  const upper = tiers.filter((t) => t.level > 1).map((t) => t.id);
  if (upper.length === 0) return 0;
  const ctx = (c: Parameters<typeof customerFacts>[0]) => ({
    now: opts.now,
    event: null,
    customer: customerFacts(c),
  });
  const target = (c: Parameters<typeof customerFacts>[0]) =>
    tierToDemote({ tiers: facts, currentTierId: c.tier_id, ctx: ctx(c) });
  let demoted = 0;
  let after: string | null = null;
  for (;;) {
    let page = opts.db
      .selectFrom("customers")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("tier_id", "in", upper)
      .where((eb) =>
        eb.or([eb("tier_demoted_at", "is", null), eb("tier_demoted_at", "<", periodStart)]),
      )
      .orderBy("uuid")
      .limit(opts.batchSize ?? DEFAULT_BATCH_SIZE);
    if (after) page = page.where("uuid", ">", after);
    const customers = await page.execute();
    if (customers.length === 0) return demoted;
    after = customers[customers.length - 1]!.uuid;
    for (const candidate of customers) {
      if (!target(candidate)) continue;
      const moved = await inTransaction(opts.db, async (trx) => {
        // By uuid: identification may give the customer another id once the page was read.
        const { customer } = await lockCustomerByUuid(trx, accountId, candidate.uuid);
        // Re-checked under the lock: not moved in this period yet, and still due.
        const moved = customer.tier_demoted_at && customer.tier_demoted_at >= periodStart;
        const to = moved ? null : target(customer);
        if (!to) return false;
        await trx
          .updateTable("customers")
          .set({ tier_id: to.id, tier_demoted_at: opts.now, updated_at: opts.now })
          .where("account_id", "=", accountId)
          .where("uuid", "=", customer.uuid)
          .execute();
        const tier = { from: customer.tier_id, to: to.id };
        recordWalletWebhook(trx, {
          accountId,
          customerUuid: customer.uuid,
          now: opts.now,
          event: "TIER_DOWNGRADE",
          eventId: null,
          extra: () => ({ tier }),
        });
        return true;
      });
      if (moved) demoted++;
    }
  }
}
