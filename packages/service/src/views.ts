import {
  type Conditions,
  type CustomerMetrics,
  campaignReadStatus,
  rollMetrics,
  toWireNumber,
} from "@tally/core";
import type { Database } from "@tally/db";
import type {
  TCampaign,
  TCustomer,
  TReward,
  TTier,
  TTransaction,
  TWalletLine,
} from "@tally/schemas";
import type { Selectable } from "kysely";

type Row<T extends keyof Database> = Selectable<Database[T]>;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Reward row → wire Reward. */
export function toRewardView(r: Row<"rewards">): TReward {
  return {
    id: r.id,
    brand_id: r.brand_id,
    platforms: (r.platforms as string[] | null) ?? null,
    name: r.name,
    description: r.description,
    type: r.type,
    conditions: r.conditions as TReward["conditions"],
    attributes: obj(r.attributes),
  };
}

/**
 * Customer row → wire Customer as of `now` (consent carries the customer id, as the seed shows;
 * metrics rolled to the periods holding `now`).
 */
export function toCustomerView(c: Row<"customers">, now: Date): TCustomer {
  const consent = c.consent ? { ...obj(c.consent), customer_id: c.id } : null;
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    registration_date: c.registration_date.toISOString(),
    status: c.status,
    is_anonymous: c.is_anonymous,
    gender: c.gender,
    dob: iso(c.dob),
    document_type: c.document_type,
    document_number: c.document_number,
    country: c.country,
    tier_id: c.tier_id,
    platforms: (c.platforms as string[] | null) ?? null,
    tags: obj(c.tags),
    consent,
    devices: (c.devices as Record<string, unknown>[]) ?? [],
    metrics: rollMetrics(obj(c.metrics) as CustomerMetrics, now),
    metadata: obj(c.metadata),
  };
}

/** Wallet line row → wire WalletLine; `amount` is what is left of the lot. */
export function toLineView(l: Row<"wallet_lines">, amount: string = l.remaining): TWalletLine {
  return {
    id: l.id,
    amount: toWireNumber(amount),
    reward_id: l.reward_id,
    campaign_id: l.campaign_id,
    brand_id: l.brand_id,
    issued_at: l.issued_at.toISOString(),
    expiration_date: iso(l.expiration_date),
    reservation_expires_at: iso(l.reservation_expires_at),
  };
}

/**
 * A transaction's attributes as the wire shows them (`line`, `campaign_name`, a coupon's
 * `coupon`), without the budget use an ACCUMULATION records for its reversal.
 */
function wireAttributes(v: unknown): Record<string, unknown> {
  const { budget_period: _period, budget_division: _division, ...wire } = obj(v);
  return wire;
}

/** Transaction row → wire Transaction. */
export function toTransactionView(t: Row<"transactions">, customerId: string): TTransaction {
  return {
    id: t.id,
    brand_id: t.brand_id,
    event_id: t.event_id,
    campaign_id: t.campaign_id,
    channel_id: t.channel_id,
    store_id: t.store_id,
    funded_by: t.funded_by,
    event_type: t.event_type,
    reward_type: t.reward_type,
    reward_id: t.reward_id,
    customer_id: customerId,
    amount: toWireNumber(t.amount),
    cost: toWireNumber(t.cost),
    details: t.details,
    type: t.type,
    receiver_id: t.receiver_id,
    sender_id: t.sender_id,
    created_at: t.created_at.toISOString(),
    issued_at: t.issued_at.toISOString(),
    attributes: wireAttributes(t.attributes),
    metadata: obj(t.metadata),
  };
}

/** Tier row → wire Tier. */
export function toTierView(t: Row<"tiers">): TTier {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    status: t.status,
    level: t.level,
    entry_conditions: t.entry_conditions as TTier["entry_conditions"],
    exit_conditions: t.exit_conditions as TTier["exit_conditions"],
  };
}

/** Campaign row → wire Campaign with the read status derived from the dates. */
export function toCampaignView(c: Row<"campaigns">, now: Date): TCampaign {
  return {
    id: c.id,
    type: c.type,
    brand_id: c.brand_id,
    platforms: (c.platforms as string[] | null) ?? null,
    name: c.name,
    description: c.description,
    rules: c.rules as TCampaign["rules"],
    attributes: { ...obj(c.attributes), trigger: c.trigger, privacy: c.privacy },
    status: campaignReadStatus(c, now),
    start_date: c.start_date.toISOString(),
    end_date: iso(c.end_date),
    funded_by: c.funded_by,
    budget: c.budget === null ? null : toWireNumber(c.budget),
    divide_budget_in: c.divide_budget_in,
    labels: (c.labels as string[]) ?? [],
    metadata: obj(c.metadata),
    quantity: c.quantity,
    ...(c.type === "REFERRALS"
      ? { referee_rules: (c.referee_rules as TCampaign["rules"]) ?? [] }
      : {}),
  };
}

export type { Conditions };

/**
 * What a CLIENT key (a browser or app SDK, its key public and its token not bound to one
 * customer) may see of a customer: what a storefront shows beside the points and tier of the
 * wallet — the id asked for, status, whether anonymous, registration date and tier. Everything
 * else is emptied: the profile (name, email, gender, birth date, documents, country), devices,
 * platforms, consent, metadata, tags (the account's own labels) and metrics (spend and visit
 * history). Built field by field, so a field added to the customer later is a type error here
 * until it is decided, never shown by default.
 */
export function toClientCustomerView(c: TCustomer): TCustomer {
  return {
    id: c.id,
    status: c.status,
    is_anonymous: c.is_anonymous,
    registration_date: c.registration_date,
    tier_id: c.tier_id,
    name: null,
    email: null,
    gender: null,
    dob: null,
    document_type: null,
    document_number: null,
    country: null,
    platforms: null,
    tags: {},
    consent: null,
    devices: [],
    metrics: {},
    metadata: {},
  };
}
