import { type CompiledConditions, compileConditions } from "./conditions/compile.ts";
import type { CampaignFacts, CustomerFacts, Effect, EventFacts } from "./types.ts";

export { validateRules } from "./rules.ts";

/** A campaign's status as read: derived from the stored status and the dates. */
export type CampaignReadStatus = "SCHEDULED" | "RUNNING" | "PAUSED" | "FINISHED";

/** Derives the read status: ended → FINISHED, else INACTIVE → PAUSED, not started → SCHEDULED, else RUNNING. */
export function campaignReadStatus(
  c: Pick<CampaignFacts, "status" | "start_date" | "end_date">,
  now: Date,
): CampaignReadStatus {
  if (c.end_date !== null && c.end_date.getTime() <= now.getTime()) return "FINISHED";
  if (c.status === "INACTIVE") return "PAUSED";
  if (c.start_date.getTime() > now.getTime()) return "SCHEDULED";
  return "RUNNING";
}

/** A campaign with its rules' conditions compiled. */
export interface CompiledCampaign {
  campaign: CampaignFacts;
  rules: { conditions: CompiledConditions; effects: Effect[] }[];
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, CompiledCampaign>();

/** Compiles a campaign's rules once per version (`id` + `updated_at`), keeping the latest 10,000 in memory. */
export function compileCampaign(c: CampaignFacts): CompiledCampaign {
  const key = `${c.id}:${c.updated_at.getTime()}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const compiled: CompiledCampaign = {
    campaign: c,
    rules: c.rules.map((r, i) => ({
      conditions: compileConditions(r.conditions, `rules[${i}].conditions`),
      effects: r.effects,
    })),
  };
  cache.set(key, compiled);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return compiled;
}

/**
 * Whether the customer could earn from the campaign (Masivo's "campaigns a customer can take
 * part in"): some rule gives effects for the customer's tier and its conditions on the customer
 * hold now; its conditions on the event are left open.
 */
export function campaignOpenTo(c: CompiledCampaign, customer: CustomerFacts, now: Date): boolean {
  const ctx = { now, event: null, customer };
  return c.rules.some(
    (r) => applicable(r.effects, customer.tier_id).length > 0 && r.conditions.openTo(ctx),
  );
}

/** One rule of a campaign that an event satisfied, with the effects that apply to the customer. */
export interface MatchedRule {
  campaign: CampaignFacts;
  rule_index: number;
  effects: Effect[];
}

/**
 * The rules an event earns (docs/api-decisions.md#campaign-matching): campaigns running at `issued_at` whose trigger is the
 * event type, brand is null or the event's, platforms empty or holding the event's; each rule whose
 * conditions hold gives its effects for all tiers (tier_id null) or the customer's tier.
 */
export function matchCampaigns(opts: {
  campaigns: CompiledCampaign[];
  event: EventFacts;
  customer: CustomerFacts;
  now: Date;
}): MatchedRule[] {
  const { event, customer } = opts;
  const at = event.issued_at.getTime();
  const ctx = { now: opts.now, event, customer };
  const out: MatchedRule[] = [];
  for (const { campaign: c, rules } of opts.campaigns) {
    if (c.trigger !== event.type || !campaignTakesEvent(c, event, at)) continue;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const effects = applicable(rule.effects, customer.tier_id);
      if (effects.length === 0 || !rule.conditions.evaluate(ctx).ok) continue;
      out.push({ campaign: c, rule_index: i, effects });
    }
  }
  return out;
}

/** ACTIVE, running at `at` (the event's issued_at), brand null or the event's, platforms empty or holding the event's. */
export function campaignTakesEvent(c: CampaignFacts, event: EventFacts, at: number): boolean {
  if (c.status !== "ACTIVE") return false;
  if (c.start_date.getTime() > at || (c.end_date !== null && c.end_date.getTime() <= at))
    return false;
  if (c.brand_id !== null && c.brand_id !== event.brand_id) return false;
  if (c.platforms && c.platforms.length > 0) {
    if (event.platform === null || !c.platforms.includes(event.platform)) return false;
  }
  return true;
}

/** The effects for all tiers or the given one (a fresh array, so callers may keep it). */
export function applicable(effects: Effect[], tierId: string): Effect[] {
  const out: Effect[] = [];
  for (const e of effects) {
    if (e.tier_id === null || e.tier_id === undefined || e.tier_id === tierId) out.push(e);
  }
  return out;
}
