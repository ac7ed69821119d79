import type { Accrual } from "@tally/core";
import type { Database } from "@tally/db";
import type { TTransaction, TWalletLine } from "@tally/schemas";
import type { Insertable, Selectable } from "kysely";
import { budgetPeriodOf } from "../catalog/index.ts";
import { newId } from "../kernel/index.ts";
import { toLineView, toTransactionView } from "./views.ts";

type CampaignRow = Selectable<Database["campaigns"]>;

/**
 * The ledger rows of credited accruals (jsonb columns as values, for insertRowsSql): per
 * accrual one lot and one ACCUMULATION transaction, both carrying the event id (what a reversal
 * undoes) and the budget period charged. Pure: the caller writes them. Also answers each
 * accrual's lot id (gift cards drawn for it name the lot).
 */
export function accrualRows(o: {
  accountId: string;
  walletId: string;
  customer: { uuid: string; id: string };
  eventId: string;
  eventType: string;
  brandId: string | null;
  order: { channel_id?: string | null; store_id?: string | null } | null;
  issuedAt: Date;
  now: Date;
  metadata: Record<string, unknown>;
  accruals: Accrual[];
  campaignOf: (id: string) => CampaignRow | undefined;
  rewardTypeOf: (id: string) => string;
  details?: (campaignName: string) => string;
  /** More attributes for every transaction (a coupon's code, say). */
  attributes?: Record<string, unknown>;
}) {
  const lines: Insertable<Database["wallet_lines"]>[] = [];
  const transactions: Insertable<Database["transactions"]>[] = [];
  const lineViews: TWalletLine[] = [];
  const transactionViews: TTransaction[] = [];
  const lineIdOf = new Map<Accrual, string>();
  for (const a of o.accruals) {
    const campaign = o.campaignOf(a.campaign_id);
    const line = {
      account_id: o.accountId,
      id: newId(),
      wallet_id: o.walletId,
      reward_id: a.reward_id,
      campaign_id: a.campaign_id,
      brand_id: o.brandId,
      event_id: o.eventId,
      source: "ACCUMULATION" as const,
      amount: a.amount.toString(),
      remaining: a.amount.toString(),
      reserved: "0",
      issued_at: o.issuedAt,
      expiration_date: a.expiration_date,
      reservation_expires_at: null,
      channel_id: o.order?.channel_id ?? null,
      store_id: o.order?.store_id ?? null,
      funded_by: campaign?.funded_by ?? null,
      created_at: o.now,
    };
    const lineView = toLineView(line);
    const budget = budgetPeriodOf(campaign, o.now);
    const attributes = {
      line: lineView,
      campaign_name: campaign?.name ?? null,
      budget_period: budget?.start ?? null,
      budget_division: budget?.division ?? null,
      ...o.attributes,
    };
    const name = campaign?.name ?? a.campaign_id;
    const transaction = {
      account_id: o.accountId,
      id: newId(),
      wallet_id: o.walletId,
      customer_uuid: o.customer.uuid,
      reward_id: a.reward_id,
      line_id: line.id,
      event_id: o.eventId,
      campaign_id: a.campaign_id,
      reverses_id: null,
      brand_id: o.brandId,
      channel_id: line.channel_id,
      store_id: line.store_id,
      funded_by: line.funded_by,
      event_type: o.eventType,
      reward_type: o.rewardTypeOf(a.reward_id),
      type: "ACCUMULATION" as const,
      amount: a.amount.toString(),
      cost: a.cost.toString(),
      details: o.details ? o.details(name) : `Earned from campaign ${name}`,
      receiver_id: null,
      sender_id: null,
      migration_key: null,
      issued_at: o.issuedAt,
      created_at: o.now,
      attributes: {},
      metadata: o.metadata,
    };
    lines.push(line);
    lineViews.push(lineView);
    lineIdOf.set(a, line.id);
    transactions.push({ ...transaction, attributes });
    transactionViews.push(toTransactionView({ ...transaction, attributes }, o.customer.id));
  }
  return { lines, transactions, lineViews, transactionViews, lineIdOf };
}
