import {
  type TCustomer,
  type TEvent,
  type TInternalCampaign,
  type TInternalEvent,
  type TInternalWallet,
  type TWallet,
  toDecimalString,
} from "@tally/schemas";
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

// The ledger's amounts (wallet totals, lots, transactions) travel as decimal strings too.
const LEDGER_AMOUNT_KEYS = new Set([
  "amount",
  "cost",
  "total",
  "reserved",
  "available",
  "paid_value",
]);

/** `value` with every ledger amount under it as a decimal string (reward attributes untouched). */
function ledgerDecimals(value: unknown, key = ""): unknown {
  if (typeof value === "number" && LEDGER_AMOUNT_KEYS.has(key)) return toDecimalString(value);
  if (Array.isArray(value)) return value.map((v) => ledgerDecimals(v));
  if (value && typeof value === "object") {
    if (key === "reward" || key === "customer") return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ledgerDecimals(v, k)]));
  }
  return value;
}

/** A customer with its wallet, amounts as decimal strings. */
export function toInternalCustomerWithWallet(c: { customer: TCustomer; wallet: TWallet }) {
  return { customer: c.customer, wallet: ledgerDecimals(c.wallet) as TInternalWallet };
}

/** An event, the amounts of its result as decimal strings. */
export function toInternalEvent(e: TEvent): TInternalEvent {
  return { ...e, result: e.result && (ledgerDecimals(e.result) as Record<string, unknown>) };
}
