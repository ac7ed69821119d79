import { applyPurchaseToMetrics, type CustomerMetrics, dec, tierToPromote } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { Insertable, Selectable, Transaction } from "kysely";
import { customerFacts, eventFacts, newId, tierFacts } from "../kernel/index.ts";
import { accrualRows, toTransactionView, writeEvent } from "../ledger/index.ts";
import { earnEvent } from "./earn.ts";
import { DEFAULT_RESERVE_DAYS, type ProcessOptions } from "./options.ts";
import { writePrograms } from "./write-programs.ts";

type Trx = Transaction<Database>;
export type EventRow = Selectable<Database["events"]>;

/** What a purchase counts in metrics (and earning): the order's value after every discount. */
export function paidValue(order: { discounted_value?: number | null; value?: number | null }) {
  return order.discounted_value ?? order.value ?? 0;
}

/** PURCHASE events move the metrics; every event may lift the tier. */
function nextCustomerState(opts: ProcessOptions, facts: ReturnType<typeof eventFacts>) {
  const { customer, payload, now } = opts;
  let metrics = (customer.metrics as CustomerMetrics) ?? {};
  let changed = false;
  if (opts.pending) return { changed, customer };
  if (payload.type === "PURCHASE" && payload.order) {
    const paid = paidValue(payload.order);
    metrics = applyPurchaseToMetrics({ metrics, value: dec(paid), at: facts.issued_at, now });
    changed = true;
  }
  const promoted = tierToPromote({
    tiers: opts.catalog.tiers.map(tierFacts),
    currentTierId: customer.tier_id,
    ctx: { now, event: facts, customer: customerFacts(customer, metrics) },
  });
  return {
    changed: changed || Boolean(promoted),
    customer: { ...customer, metrics, tier_id: promoted?.id ?? customer.tier_id, updated_at: now },
  };
}

/**
 * Processes one event inside the caller's transaction: matches campaigns, charges
 * budgets, then writes the lots, their ACCUMULATION transactions, the customer's
 * metrics and tier, and the RESOLVED event in a single statement.
 */
export async function processEvent(trx: Trx, opts: ProcessOptions) {
  const { accountId, customer, payload, now, catalog } = opts;
  const issuedAt = opts.issuedAt ?? now;
  const facts = eventFacts(payload, issuedAt);
  const earned = await earnEvent(trx, {
    accountId,
    isReferee: opts.isReferee,
    catalog,
    customer,
    payload,
    facts,
    source: opts.source,
    pending: Boolean(opts.pending),
    now,
  });
  const accruals = earned.accruals;
  const eventId = opts.eventId ?? newId();
  const order = payload.order ?? null;
  const campaignOf = (id: string) => earned.campaigns.find((c) => c.id === id);
  const rewardTypeOf = (id: string) => catalog.rewards.get(id)!.type;

  const transactions: Insertable<Database["transactions"]>[] = [];
  const transactionViews = [];
  for (const t of opts.redemption?.transactions ?? []) {
    transactions.push(t);
    transactionViews.push(
      toTransactionView(t as Selectable<Database["transactions"]>, customer.id),
    );
  }
  const rows = accrualRows({
    accountId,
    walletId: opts.walletId,
    customer,
    eventId,
    eventType: payload.type,
    brandId: payload.brand_id,
    order,
    issuedAt,
    now,
    metadata: payload.metadata ?? {},
    accruals,
    campaignOf,
    rewardTypeOf,
  });
  const lines = rows.lines;
  const lineViews = rows.lineViews;
  transactions.push(...rows.transactions);
  transactionViews.push(...rows.transactionViews);
  const programs = await writePrograms(trx, {
    accountId,
    customer,
    eventId,
    earned,
    lineIdOf: rows.lineIdOf,
    brandId: payload.brand_id,
    rewardTypeOf,
    issuedAt,
    now,
  });

  const next = nextCustomerState(opts, facts);
  const rewarding = [...new Set(accruals.map((a) => a.campaign_id))].map((id) => ({
    id,
    name: campaignOf(id)?.name ?? null,
    rules: [...new Set(accruals.filter((a) => a.campaign_id === id).map((a) => a.rule_index))],
  }));
  const result = {
    gift_card: programs.giftCards,
    accumulations: lineViews,
    redemptions: opts.redemption?.lines ?? [],
    transactions: transactionViews,
    ...(opts.redemption?.order ? { order: opts.redemption.order } : {}),
    ...(payload.type === "PURCHASE" && order ? { paid_value: paidValue(order) } : {}),
    ...programs.result,
  };
  const stored = opts.storedPayload ?? payload;
  const pending = opts.pending ?? null;
  const event: Insertable<Database["events"]> = {
    account_id: accountId,
    id: eventId,
    customer_uuid: customer.uuid,
    brand_id: payload.brand_id,
    type: payload.type,
    status: pending ? "PENDING" : "RESOLVED",
    source: opts.source,
    fulfilled: !pending,
    // An unfulfilled event shows the days it holds, the default included.
    reserve: payload.reserve ?? (pending ? DEFAULT_RESERVE_DAYS : null),
    purchase_id: opts.purchaseId ?? null,
    migration_key: null,
    payload: stored,
    payload_hash: opts.payloadHash ?? "",
    issued_at: issuedAt,
    processing_at: now,
    resolved_at: pending ? null : now,
    cancelled_at: null,
    expired_at: null,
    reversed_at: null,
    reservation_expires_at: pending?.expiresAt ?? null,
    reverse_reason: null,
    rewarding_campaigns: rewarding,
    result,
    created_at: now,
  };
  const customerUpdate = next.changed
    ? { metrics: json(next.customer.metrics), tier_id: next.customer.tier_id, updated_at: now }
    : null;
  const written = await writeEvent(trx, {
    accountId,
    customerUuid: customer.uuid,
    walletId: opts.walletId,
    lines,
    transactions,
    customerUpdate,
    event,
    existing: opts.existing ?? false,
    now,
  });
  // The stored row, as the database would hand it back (no need to read it back).
  const storedEvent: EventRow = { ...(event as EventRow), source: opts.source };
  return {
    event: storedEvent,
    customer: next.changed ? next.customer : customer,
    /** The wallet's open lots after this event. */
    lines: [...written.openLines, ...(lines as LineRow[])],
  };
}

type LineRow = Selectable<Database["wallet_lines"]>;
