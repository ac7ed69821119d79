import {
  applicable,
  type CompiledCampaign,
  campaignTakesEvent,
  type MatchedRule,
} from "./campaigns.ts";
import { DomainError } from "./errors.ts";
import type { ConditionContext, CustomerFacts, Effect, EventFacts } from "./types.ts";

/** Punches a PUNCH_CARDS campaign takes when none is given: one per qualifying event, ten to a card. */
export const DEFAULT_PUNCHES = 10;
export const MAX_PUNCHES = 1000;

/** The punches of a stored PUNCH_CARDS campaign, from its attributes (DEFAULT_PUNCHES if absent). */
export const storedPunches = (attributes: unknown): number =>
  Number((attributes as { punches?: number } | null)?.punches ?? DEFAULT_PUNCHES);

/** `attributes.punches` of a PUNCH_CARDS campaign: an integer 1–1000; throws VALIDATION_FAILED. */
export function validatePunches(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_PUNCHES) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `attributes.punches: must be an integer from 1 to ${MAX_PUNCHES} (events per full card), got ${JSON.stringify(value) ?? "nothing"}`,
    );
  }
  return value;
}

/** What one qualifying event does to a card of `punches` holding `stamps`. */
export interface PunchOutcome {
  campaign_id: string;
  /** Stamps on the card after the event (0 once it filled up and restarted). */
  stamps: number;
  /** The stamp filled the card: the event earns `matches`. */
  completed: boolean;
  /** On completion, the rules whose conditions held with the customer's effects. */
  matches: MatchedRule[];
}

/**
 * Punches the cards an event qualifies for (docs/api-decisions.md#punch-cards): a PUNCH_CARDS campaign running at
 * issued_at whose trigger is the event type (brand and platforms as BEHAVIOR) takes a stamp when
 * one of its rules' conditions holds. The stamp that brings the card to `punches` completes it:
 * the event earns the effects (for the customer's tier) of the rules that held, and the card
 * restarts at 0. `stampsOf` answers a card's stamps before the event.
 */
export function punchCards(opts: {
  campaigns: { compiled: CompiledCampaign; punches: number }[];
  stampsOf: (campaignId: string) => number;
  event: EventFacts;
  customer: CustomerFacts;
  now: Date;
}): PunchOutcome[] {
  const { event, customer } = opts;
  const at = event.issued_at.getTime();
  const ctx: ConditionContext = { now: opts.now, event, customer };
  const out: PunchOutcome[] = [];
  for (const { compiled, punches } of opts.campaigns) {
    const c = compiled.campaign;
    if (c.trigger !== event.type || !campaignTakesEvent(c, event, at)) continue;
    const held = compiled.rules.flatMap((r, i) => (r.conditions.evaluate(ctx).ok ? [i] : []));
    if (held.length === 0) continue;
    const stamps = opts.stampsOf(c.id) + 1;
    const completed = stamps >= punches;
    const matches = completed
      ? held.flatMap((i) => {
          const effects = applicable(compiled.rules[i]!.effects, customer.tier_id);
          return effects.length ? [{ campaign: c, rule_index: i, effects }] : [];
        })
      : [];
    out.push({
      campaign_id: c.id,
      stamps: completed ? stamps - punches : stamps,
      completed,
      matches,
    });
  }
  return out;
}

/** Referral effects are a flat bonus unless the effect says otherwise. */
const fixedByDefault = (effects: Effect[]): Effect[] =>
  effects.map((e) => ({ ...e, calculation: e.calculation ?? "FIXED" }));

/**
 * The rules a referee's first PURCHASE earns in a REFERRALS campaign (docs/api-decisions.md#referrals), for one
 * side: the campaign must take the event (running at issued_at, brand, platforms); each rule
 * whose conditions hold for the purchase and `customer` (the referrer for `rules`, the referee
 * for `referee_rules`) gives its effects for that customer's tier, FIXED unless stated.
 */
export function matchReferralSide(opts: {
  compiled: CompiledCampaign;
  event: EventFacts;
  customer: CustomerFacts;
  now: Date;
}): MatchedRule[] {
  const { compiled, event, customer } = opts;
  const c = compiled.campaign;
  if (!campaignTakesEvent(c, event, event.issued_at.getTime())) return [];
  const ctx: ConditionContext = { now: opts.now, event, customer };
  return compiled.rules.flatMap((r, i) => {
    const effects = fixedByDefault(applicable(r.effects, customer.tier_id));
    if (effects.length === 0 || !r.conditions.evaluate(ctx).ok) return [];
    return [{ campaign: c, rule_index: i, effects }];
  });
}
