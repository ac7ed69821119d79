import { addExpiry, DomainError, dec, notFound, parseExpiry } from "@tally/core";
import type { Database } from "@tally/db";
import type { TAdjustmentInput, TEvent, TTransaction, TWalletLine } from "@tally/schemas";
import type Decimal from "decimal.js";
import type { Insertable } from "kysely";
import { isUuid } from "../catalog/index.ts";
import { lockCustomer } from "../customers/index.ts";
import { canonicalHash, newId, type ServiceDeps, transact } from "../kernel/index.ts";
import {
  drawLots,
  insertEventRows,
  moveRemaining,
  toLineView,
  toTransactionView,
} from "../ledger/index.ts";
import { eventAnswer } from "./spending/locked-event.ts";

type Row<T extends keyof Database> = Insertable<Database[T]>;

/** The type of the event an adjustment is; its rows are ADJUSTMENT transactions. */
export const ADJUSTMENT_EVENT_TYPE = "ADJUSTMENT";

/**
 * customers.adjust (docs/api-decisions.md#manual-adjustments): credits or debits one reward of a
 * customer's wallet by hand. It is a RESOLVED event of type ADJUSTMENT (source SYSTEM) whose rows
 * are ADJUSTMENT transactions, written under the wallet lock like any event, so reversing the
 * event undoes it. A credit makes one lot; a debit takes lots in spending order and never
 * overdraws (INSUFFICIENT_BALANCE, nothing written). The client's `id` is the event's: a retry
 * with the same fields answers the first adjustment, other fields are a CONFLICT.
 */
export async function adjustWallet(
  deps: ServiceDeps,
  accountId: string,
  input: TAdjustmentInput,
): Promise<TEvent> {
  const now = deps.now();
  const { account_id: _scope, ...payload } = input as TAdjustmentInput & { account_id?: string };
  const payloadHash = canonicalHash(payload);
  return transact(deps, async (trx) => {
    const { customer, walletId } = await lockCustomer(trx, accountId, input.customer_id);
    const existing = await trx
      .selectFrom("events")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", input.id)
      .executeTakeFirst();
    if (existing) {
      if (existing.payload_hash !== payloadHash || existing.customer_uuid !== customer.uuid)
        throw new DomainError(
          "CONFLICT",
          `id: ${input.id} already names another event or adjustment; a retry must repeat its fields`,
        );
      return eventAnswer(trx, {
        accountId,
        event: existing,
        customer,
        customerId: customer.id,
        now,
      });
    }
    const reward = isUuid(input.reward_id)
      ? await trx
          .selectFrom("rewards")
          .selectAll()
          .where("account_id", "=", accountId)
          .where("id", "=", input.reward_id)
          .executeTakeFirst()
      : undefined;
    if (!reward) throw notFound("reward", input.reward_id);
    const amount = dec(input.amount);
    checkPrecision(amount, reward);
    const base = {
      account_id: accountId,
      wallet_id: walletId,
      customer_uuid: customer.uuid,
      reward_id: reward.id,
      event_id: input.id,
      campaign_id: null,
      reverses_id: null,
      channel_id: null,
      store_id: null,
      funded_by: null,
      event_type: ADJUSTMENT_EVENT_TYPE,
      reward_type: reward.type,
      type: "ADJUSTMENT" as const,
      cost: "0",
      details: `${input.reason} (by ${input.actor})`,
      receiver_id: null,
      sender_id: null,
      migration_key: null,
      issued_at: now,
      created_at: now,
      metadata: { reason: input.reason, actor: input.actor },
    };
    const lines: Row<"wallet_lines">[] = [];
    const transactions: Row<"transactions">[] = [];
    const accumulations: TWalletLine[] = [];
    const redemptions: TWalletLine[] = [];
    if (input.direction === "CREDIT") {
      if (reward.archived_at)
        throw new DomainError(
          "CONFLICT",
          `reward_id: reward ${reward.id} is archived; it is credited no more`,
        );
      const line = {
        account_id: accountId,
        id: newId(),
        wallet_id: walletId,
        reward_id: reward.id,
        campaign_id: null,
        brand_id: reward.brand_id,
        event_id: input.id,
        source: "ADJUSTMENT" as const,
        amount: amount.toString(),
        remaining: amount.toString(),
        reserved: "0",
        issued_at: now,
        expiration_date: creditExpiry(input, now),
        reservation_expires_at: null,
        channel_id: null,
        store_id: null,
        funded_by: null,
        created_at: now,
      };
      const view = toLineView(line);
      lines.push(line);
      accumulations.push(view);
      transactions.push({
        ...base,
        id: newId(),
        line_id: line.id,
        brand_id: reward.brand_id,
        amount: amount.toString(),
        attributes: { line: view },
      });
    } else {
      const draws = await drawLots(trx, {
        accountId,
        walletId,
        wants: [{ reward_id: reward.id, amount }],
        now,
      }).catch((error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        throw new DomainError(
          "INSUFFICIENT_BALANCE",
          `amount: ${error.details.replace(/^redeem: /, "")}; nothing was debited`,
        );
      });
      await moveRemaining(
        trx,
        accountId,
        draws.map((d) => ({ lineId: d.line.id, delta: d.amount.neg() })),
      );
      for (const d of draws) {
        const view = toLineView(d.line, d.amount.toString());
        redemptions.push(view);
        transactions.push({
          ...base,
          id: newId(),
          line_id: d.line.id,
          brand_id: d.line.brand_id,
          amount: d.amount.neg().toString(),
          attributes: { line: view },
        });
      }
    }
    const views: TTransaction[] = transactions.map((t) =>
      toTransactionView(t as Parameters<typeof toTransactionView>[0], customer.id),
    );
    const event = {
      account_id: accountId,
      id: input.id,
      customer_uuid: customer.uuid,
      brand_id: reward.brand_id,
      type: ADJUSTMENT_EVENT_TYPE,
      status: "RESOLVED" as const,
      source: "SYSTEM" as const,
      fulfilled: true,
      reserve: null,
      purchase_id: null,
      migration_key: null,
      payload,
      payload_hash: payloadHash,
      issued_at: now,
      processing_at: now,
      resolved_at: now,
      cancelled_at: null,
      expired_at: null,
      reversed_at: null,
      reservation_expires_at: null,
      reverse_reason: null,
      rewarding_campaigns: [],
      result: { gift_card: [], accumulations, redemptions, transactions: views },
      created_at: now,
    };
    await insertEventRows(trx, { event, lines, transactions });
    return eventAnswer(trx, {
      accountId,
      event: event as Parameters<typeof eventAnswer>[1]["event"],
      customer,
      customerId: customer.id,
      now,
    });
  }).catch((error: unknown) => {
    // Two adjustments of different customers racing with one id: the event key decides.
    if ((error as { code?: string }).code === "23505")
      throw new DomainError(
        "CONFLICT",
        `id: ${input.id} already names another event or adjustment`,
      );
    throw error;
  });
}

/** A POINTS reward's `decimals` (0 by default); other rewards move in whole units. */
function checkPrecision(amount: Decimal, reward: { type: string; attributes: unknown }) {
  const attributes = (reward.attributes ?? {}) as { decimals?: number };
  const places = reward.type === "POINTS" ? Number(attributes.decimals ?? 0) : 0;
  if (amount.decimalPlaces() > places)
    throw new DomainError(
      "VALIDATION_FAILED",
      `amount: reward allows at most ${places} decimals (${amount} given)`,
    );
}

/** A credit's lot expiry: as given, else never (a reward carries no expiry of its own). */
function creditExpiry(input: TAdjustmentInput, now: Date): Date | null {
  if (input.expires_in) {
    try {
      parseExpiry(input.expires_in);
    } catch (error) {
      if (error instanceof DomainError)
        throw new DomainError("VALIDATION_FAILED", `expires_in: ${error.details}`);
      throw error;
    }
    return addExpiry(now, input.expires_in);
  }
  if (!input.expiration_date) return null;
  const at = new Date(input.expiration_date);
  if (at <= now || at.getUTCFullYear() > 9999)
    throw new DomainError(
      "VALIDATION_FAILED",
      "expiration_date: must be in the future (and before year 10000)",
    );
  return at;
}
