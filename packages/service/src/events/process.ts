import {
  type Accrual,
  applyPurchaseToMetrics,
  type CustomerMetrics,
  compileCampaign,
  computeAccruals,
  dec,
  matchCampaigns,
  tierToPromote,
} from "@tally/core";
import { type Database, json } from "@tally/db";
import type { Selectable, Transaction } from "kysely";
import { newId } from "../deps.ts";
import { toLineView, toTransactionView } from "../views.ts";
import { applyBudgets } from "./budget.ts";
import {
  campaignFacts,
  customerFacts,
  type EventPayload,
  eventFacts,
  rewardFacts,
  tierFacts,
} from "./facts.ts";

type Trx = Transaction<Database>;
type CustomerRow = Selectable<Database["customers"]>;
export type EventRow = Selectable<Database["events"]>;

export interface ProcessOptions {
  accountId: string;
  /** The customer; its wallet must already be locked by the caller (or created in this transaction). */
  customer: CustomerRow;
  payload: EventPayload;
  now: Date;
  source: "API" | "SYSTEM" | "MIGRATION";
  issuedAt?: Date;
  purchaseId?: string | null;
  payloadHash?: string;
}

/** Running BEHAVIOR campaigns of the account triggered by this event type at `at`. */
async function runningCampaigns(trx: Trx, accountId: string, trigger: string, at: Date) {
  return trx
    .selectFrom("campaigns")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("status", "=", "ACTIVE")
    .where("type", "=", "BEHAVIOR")
    .where("trigger", "=", trigger)
    .where("start_date", "<=", at)
    .where((eb) => eb.or([eb("end_date", "is", null), eb("end_date", ">", at)]))
    .orderBy("id")
    .execute();
}

/**
 * Processes one event inside the caller's transaction: matches campaigns, checks
 * budgets, credits lots with their ACCUMULATION transactions, updates metrics and
 * the tier, and stores the event as RESOLVED with its result.
 */
export async function processEvent(trx: Trx, opts: ProcessOptions) {
  const { accountId, customer, payload, now } = opts;
  const issuedAt = opts.issuedAt ?? now;
  const facts = eventFacts(payload, issuedAt);
  const consent = (customer.consent as { purposes?: { behavioral_campaigns?: boolean } } | null)
    ?.purposes;
  const rewardable = consent?.behavioral_campaigns !== false && opts.source !== "MIGRATION";

  let accruals: Accrual[] = [];
  let campaignNames = new Map<string, string>();
  let fundedBy = new Map<string, string | null>();
  const rewards = new Map<string, Selectable<Database["rewards"]>>();
  if (rewardable) {
    const rows = await runningCampaigns(trx, accountId, payload.type, issuedAt);
    if (rows.length > 0) {
      campaignNames = new Map(rows.map((c) => [c.id, c.name]));
      fundedBy = new Map(rows.map((c) => [c.id, c.funded_by]));
      const matches = matchCampaigns({
        campaigns: rows.map((c) => compileCampaign(campaignFacts(c))),
        event: facts,
        customer: customerFacts(customer),
        now,
      });
      const rewardIds = [...new Set(matches.flatMap((m) => m.effects.map((e) => e.reward_id)))];
      if (rewardIds.length > 0) {
        const rewardRows = await trx
          .selectFrom("rewards")
          .selectAll()
          .where("account_id", "=", accountId)
          .where("id", "in", rewardIds)
          .execute();
        for (const r of rewardRows) rewards.set(r.id, r);
        accruals = computeAccruals({
          matches,
          rewards: new Map(rewardRows.map((r) => [r.id, rewardFacts(r)])),
          event: facts,
        });
        accruals = await applyBudgets(trx, { accountId, accruals, campaigns: rows, at: now });
      }
    }
  }

  const eventId = newId();
  const walletRow = await trx
    .selectFrom("wallets")
    .select("id")
    .where("account_id", "=", accountId)
    .where("customer_uuid", "=", customer.uuid)
    .executeTakeFirstOrThrow();
  const order = payload.order ?? null;
  const lines = accruals.map((a) => ({
    account_id: accountId,
    id: newId(),
    wallet_id: walletRow.id,
    reward_id: a.reward_id,
    campaign_id: a.campaign_id,
    brand_id: payload.brand_id,
    event_id: eventId,
    source: "ACCUMULATION" as const,
    amount: a.amount.toString(),
    remaining: a.amount.toString(),
    reserved: "0",
    issued_at: issuedAt,
    expiration_date: a.expiration_date,
    reservation_expires_at: null,
    channel_id: order?.channel_id ?? null,
    store_id: order?.store_id ?? null,
    funded_by: fundedBy.get(a.campaign_id) ?? null,
    created_at: now,
  }));
  const transactions = accruals.map((a, i) => ({
    account_id: accountId,
    id: newId(),
    wallet_id: walletRow.id,
    customer_uuid: customer.uuid,
    reward_id: a.reward_id,
    line_id: lines[i]!.id,
    event_id: eventId,
    campaign_id: a.campaign_id,
    reverses_id: null,
    brand_id: payload.brand_id,
    channel_id: order?.channel_id ?? null,
    store_id: order?.store_id ?? null,
    funded_by: fundedBy.get(a.campaign_id) ?? null,
    event_type: payload.type,
    reward_type: rewards.get(a.reward_id)!.type,
    type: "ACCUMULATION" as const,
    amount: a.amount.toString(),
    cost: a.cost.toString(),
    details: `Earned from campaign ${campaignNames.get(a.campaign_id) ?? a.campaign_id}`,
    receiver_id: null,
    sender_id: null,
    migration_key: null,
    issued_at: issuedAt,
    created_at: now,
    attributes: json({
      line: toLineView(lines[i]!),
      campaign_name: campaignNames.get(a.campaign_id) ?? null,
    }),
    metadata: json(payload.metadata ?? {}),
  }));
  if (lines.length > 0) {
    await trx.insertInto("wallet_lines").values(lines).execute();
    await trx.insertInto("transactions").values(transactions).execute();
  }

  const updatedCustomer = await updateMetricsAndTier(trx, {
    accountId,
    customer,
    payload,
    issuedAt,
    now,
    facts,
  });

  const rewarding = [...new Set(accruals.map((a) => a.campaign_id))].map((id) => ({
    id,
    name: campaignNames.get(id) ?? null,
    rules: [...new Set(accruals.filter((a) => a.campaign_id === id).map((a) => a.rule_index))],
  }));
  const result = {
    gift_card: [],
    accumulations: lines.map((l) => toLineView(l)),
    redemptions: [],
    transactions: transactions.map((t) =>
      toTransactionView(
        { ...t, attributes: JSON.parse(t.attributes), metadata: JSON.parse(t.metadata) },
        customer.id,
      ),
    ),
  };
  const event = await trx
    .insertInto("events")
    .values({
      account_id: accountId,
      id: eventId,
      customer_uuid: customer.uuid,
      brand_id: payload.brand_id,
      type: payload.type,
      status: "RESOLVED",
      source: opts.source,
      fulfilled: true,
      reserve: payload.reserve ?? null,
      purchase_id: opts.purchaseId ?? null,
      migration_key: null,
      payload: json(payload),
      payload_hash: opts.payloadHash ?? "",
      issued_at: issuedAt,
      processing_at: now,
      resolved_at: now,
      cancelled_at: null,
      expired_at: null,
      reversed_at: null,
      reservation_expires_at: null,
      reverse_reason: null,
      rewarding_campaigns: json(rewarding),
      result: json(result),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { event, customer: updatedCustomer, walletId: walletRow.id };
}

/** PURCHASE events move the metrics; every event may lift the tier. One UPDATE when anything changed. */
async function updateMetricsAndTier(
  trx: Trx,
  opts: {
    accountId: string;
    customer: CustomerRow;
    payload: EventPayload;
    issuedAt: Date;
    now: Date;
    facts: ReturnType<typeof eventFacts>;
  },
): Promise<CustomerRow> {
  const { customer, payload, now } = opts;
  let metrics = (customer.metrics as CustomerMetrics) ?? {};
  let changed = false;
  if (payload.type === "PURCHASE" && payload.order) {
    const paid = payload.order.discounted_value ?? payload.order.value ?? 0;
    metrics = applyPurchaseToMetrics({ metrics, value: dec(paid), at: opts.issuedAt, now });
    changed = true;
  }
  const tiers = await trx
    .selectFrom("tiers")
    .selectAll()
    .where("account_id", "=", opts.accountId)
    .execute();
  const promoted = tierToPromote({
    tiers: tiers.map(tierFacts),
    currentTierId: customer.tier_id,
    ctx: { now, event: opts.facts, customer: customerFacts(customer, metrics) },
  });
  if (!changed && !promoted) return customer;
  return trx
    .updateTable("customers")
    .set({ metrics: json(metrics), tier_id: promoted?.id ?? customer.tier_id, updated_at: now })
    .where("account_id", "=", opts.accountId)
    .where("uuid", "=", customer.uuid)
    .returningAll()
    .executeTakeFirstOrThrow();
}
