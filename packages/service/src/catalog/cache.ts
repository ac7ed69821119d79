import { type CompiledCampaign, compileCampaign, DomainError, storedPunches } from "@tally/core";
import type { Database } from "@tally/db";
import type { Selectable } from "kysely";
import type { Executor } from "../kernel/index.ts";
import { campaignFacts, refereeFacts } from "../kernel/index.ts";

type CampaignRow = Selectable<Database["campaigns"]>;

/** What events are matched against: one account's brands, tiers, rewards and live BEHAVIOR, PUNCH_CARDS and REFERRALS campaigns. */
export interface Catalog {
  version: number;
  brands: Set<string>;
  /** The account's stores and channels: empty until it defines any (then events are checked). */
  stores: Set<string>;
  channels: Set<string>;
  tiers: Selectable<Database["tiers"]>[];
  rewards: Map<string, Selectable<Database["rewards"]>>;
  /** ACTIVE BEHAVIOR campaigns by trigger, compiled; dates are checked per event by the engine. */
  campaigns: Map<string, { row: CampaignRow; compiled: CompiledCampaign }[]>;
  /** ACTIVE PUNCH_CARDS campaigns by trigger, with the stamps that fill a card. */
  punchCards: Map<string, { row: CampaignRow; compiled: CompiledCampaign; punches: number }[]>;
  /** ACTIVE REFERRALS campaigns by id: `compiled` rewards the referrer, `referee` the referee. */
  referrals: Map<
    string,
    { row: CampaignRow; compiled: CompiledCampaign; referee: CompiledCampaign }
  >;
}

const MAX_ACCOUNTS = 1000;
const cache = new Map<string, Catalog>();

/**
 * The account's catalog at `version` (read inside the caller's transaction).
 * Cached per process: triggers bump the version on every catalog write, so a
 * cached copy is used only while it is still the current one.
 */
export async function loadCatalog(
  trx: Executor,
  accountId: string,
  version: number,
): Promise<Catalog> {
  const cached = cache.get(accountId);
  if (cached && cached.version === version) return cached;
  const [brands, stores, channels, tiers, rewards, campaigns] = await Promise.all([
    trx.selectFrom("brands").select("id").where("account_id", "=", accountId).execute(),
    trx.selectFrom("stores").select("id").where("account_id", "=", accountId).execute(),
    trx.selectFrom("channels").select("id").where("account_id", "=", accountId).execute(),
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
      .where("type", "in", ["BEHAVIOR", "PUNCH_CARDS", "REFERRALS"])
      .orderBy("id")
      .execute(),
  ]);
  const byTrigger = new Map<
    string,
    Catalog["campaigns"] extends Map<string, infer V> ? V : never
  >();
  const punchCards: Catalog["punchCards"] = new Map();
  const referrals: Catalog["referrals"] = new Map();
  for (const row of campaigns) {
    if (row.type === "REFERRALS") {
      const facts = campaignFacts(row);
      const compiledReferee = compileCampaign(refereeFacts(row, facts));
      referrals.set(row.id, {
        row,
        compiled: compileCampaign(facts),
        referee: { ...compiledReferee, campaign: facts },
      });
      continue;
    }
    if (!row.trigger) continue;
    const compiled = compileCampaign(campaignFacts(row));
    if (row.type === "PUNCH_CARDS") {
      const punches = storedPunches(row.attributes);
      const list = punchCards.get(row.trigger) ?? [];
      list.push({ row, compiled, punches });
      punchCards.set(row.trigger, list);
      continue;
    }
    const list = byTrigger.get(row.trigger) ?? [];
    list.push({ row, compiled });
    byTrigger.set(row.trigger, list);
  }
  const catalog: Catalog = {
    version,
    brands: new Set(brands.map((b) => b.id)),
    stores: new Set(stores.map((b) => b.id)),
    channels: new Set(channels.map((b) => b.id)),
    tiers,
    rewards: new Map(rewards.map((r) => [r.id, r])),
    campaigns: byTrigger,
    punchCards,
    referrals,
  };
  if (cache.size >= MAX_ACCOUNTS && !cache.has(accountId)) cache.delete(cache.keys().next().value!);
  cache.set(accountId, catalog);
  return catalog;
}

/**
 * Throws the 404 of a `store_id` or `channel_id` the account has not defined, once it defines
 * any stores (channels); before, any id passes (docs/api-decisions.md#stores-and-channels).
 * `at` prefixes the field paths ("order.").
 */
export function assertOutlets(
  catalog: Catalog,
  ids: { store_id?: string | null | undefined; channel_id?: string | null | undefined },
  at = "",
): void {
  const checks = [
    ["store", "store_id", catalog.stores, ids.store_id],
    ["channel", "channel_id", catalog.channels, ids.channel_id],
  ] as const;
  for (const [noun, field, known, id] of checks) {
    if (id && known.size > 0 && !known.has(id))
      throw new DomainError("NOT_FOUND", `${at}${field}: ${noun} ${JSON.stringify(id)} not found`);
  }
}

/** The account's current catalog version. */
export async function catalogVersion(trx: Executor, accountId: string): Promise<number> {
  const row = await trx
    .selectFrom("accounts")
    .select("catalog_version")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  return Number(row.catalog_version);
}
