import { toWireNumber } from "@tally/core";
import type { Database } from "@tally/db";
import type { TTransaction, TWalletLine } from "@tally/schemas";
import type { Selectable } from "kysely";
import { iso, obj } from "../kernel/index.ts";

type Row<T extends keyof Database> = Selectable<Database[T]>;

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
