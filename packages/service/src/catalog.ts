import { type CompiledCampaign, compileCampaign } from "@tally/core";
import type { Database } from "@tally/db";
import type { Selectable, Transaction } from "kysely";
import { campaignFacts } from "./events/facts.ts";

type Trx = Transaction<Database>;

/** What events are matched against: one account's brands, tiers, rewards and live BEHAVIOR campaigns. */
export interface Catalog {
  version: number;
  brands: Set<string>;
  tiers: Selectable<Database["tiers"]>[];
  rewards: Map<string, Selectable<Database["rewards"]>>;
  /** ACTIVE BEHAVIOR campaigns by trigger, compiled; dates are checked per event by the engine. */
  campaigns: Map<string, { row: Selectable<Database["campaigns"]>; compiled: CompiledCampaign }[]>;
}

const MAX_ACCOUNTS = 1000;
const cache = new Map<string, Catalog>();

/**
 * The account's catalog at `version` (read inside the caller's transaction).
 * Cached per process: triggers bump the version on every catalog write, so a
 * cached copy is used only while it is still the current one.
 */
export async function loadCatalog(trx: Trx, accountId: string, version: number): Promise<Catalog> {
  const cached = cache.get(accountId);
  if (cached && cached.version === version) return cached;
  const [brands, tiers, rewards, campaigns] = await Promise.all([
    trx.selectFrom("brands").select("id").where("account_id", "=", accountId).execute(),
    trx
      .selectFrom("tiers")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("level")
      .execute(),
    trx.selectFrom("rewards").selectAll().where("account_id", "=", accountId).execute(),
    trx
      .selectFrom("campaigns")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("status", "=", "ACTIVE")
      .where("type", "=", "BEHAVIOR")
      .orderBy("id")
      .execute(),
  ]);
  const byTrigger = new Map<
    string,
    Catalog["campaigns"] extends Map<string, infer V> ? V : never
  >();
  for (const row of campaigns) {
    if (!row.trigger) continue;
    const list = byTrigger.get(row.trigger) ?? [];
    list.push({ row, compiled: compileCampaign(campaignFacts(row)) });
    byTrigger.set(row.trigger, list);
  }
  const catalog: Catalog = {
    version,
    brands: new Set(brands.map((b) => b.id)),
    tiers,
    rewards: new Map(rewards.map((r) => [r.id, r])),
    campaigns: byTrigger,
  };
  if (cache.size >= MAX_ACCOUNTS && !cache.has(accountId)) cache.delete(cache.keys().next().value!);
  cache.set(accountId, catalog);
  return catalog;
}

/** The account's current catalog version. */
export async function catalogVersion(trx: Trx, accountId: string): Promise<number> {
  const row = await trx
    .selectFrom("accounts")
    .select("catalog_version")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  return Number(row.catalog_version);
}
