import { type TInternalCampaign, toDecimalString } from "@tally/schemas";
import type { TCampaignRecord } from "@tally/service";

// The internal API carries amounts as decimal strings (docs/api-decisions.md#internal-catalog);
// the services answer the numbers REST sends. These turn one into the other.

const AMOUNT_KEYS = ["conversion_factor", "value"];

const asDecimal = (v: unknown) => (typeof v === "number" ? toDecimalString(v) : v);

/** A reward with `attributes.conversion_factor` and `attributes.value` as decimal strings. */
export function toInternalReward<R extends { attributes: Record<string, unknown> }>(reward: R): R {
  const attributes = { ...reward.attributes };
  for (const key of AMOUNT_KEYS)
    if (key in attributes) attributes[key] = asDecimal(attributes[key]);
  return { ...reward, attributes };
}

type Rules = TCampaignRecord["rules"];
const rulesWithDecimals = (rules: Rules | undefined): Rules | undefined =>
  rules?.map((r) => ({
    ...r,
    effects: r.effects.map((e) => ({ ...e, amount: asDecimal(e.amount) })),
  }));

/** A campaign with its budget and effect amounts as decimal strings. */
export function toInternalCampaign(c: TCampaignRecord): TInternalCampaign {
  const { referee_rules, ...rest } = c;
  return {
    ...rest,
    budget: c.budget === null ? null : toDecimalString(c.budget),
    rules: rulesWithDecimals(c.rules)!,
    ...(referee_rules ? { referee_rules: rulesWithDecimals(referee_rules) } : {}),
  };
}
