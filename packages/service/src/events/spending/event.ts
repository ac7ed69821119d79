import type { Order } from "@tally/core";
import type { Database } from "@tally/db";
import type { Transaction } from "kysely";
import type { Catalog } from "../../catalog/index.ts";
import type { CustomerRow } from "../../customers/index.ts";
import type { EventPayload } from "../../kernel/index.ts";
import { newId } from "../../kernel/index.ts";
import { type Draw, holdDraws, moveRemaining, pickDraws, toLineView } from "../../ledger/index.ts";
import { DEFAULT_RESERVE_DAYS, type ProcessOptions } from "../options.ts";
import { checkRedemption, type EventRedemption, hasRedeem, redemptionRecords } from "./redeem.ts";

type Trx = Transaction<Database>;

const DAY_MS = 86_400_000;

/**
 * The spending side of an emitted event, under the wallet lock: checks its redeem arrays
 * (422 on any failing item), then spends the lots they draw (fulfilled) or holds them for
 * `reserve` days (default 1) on a PENDING event. Answers the payload earning must see (the
 * order as charged) and the options that make processEvent record it.
 */
export async function spendForEvent(
  trx: Trx,
  opts: SpendContext & { payload: EventPayload },
): Promise<{ payload: EventPayload; process: Partial<ProcessOptions> }> {
  const { accountId, payload, now } = opts;
  const eventId = newId();
  const pending =
    payload.fulfilled === false
      ? { expiresAt: new Date(now.getTime() + (payload.reserve ?? DEFAULT_RESERVE_DAYS) * DAY_MS) }
      : undefined;
  if (!hasRedeem(payload)) return { payload, process: { eventId, pending } };
  const plan = await checkRedemption(trx, opts);
  const draws = pickDraws(plan.lots, plan.outcome.draws, now);
  if (!pending) {
    await moveRemaining(
      trx,
      accountId,
      draws.map((d) => ({ lineId: d.line.id, delta: d.amount.neg() })),
    );
    return recordSpend({ ...opts, eventId, plan, draws });
  }
  await holdDraws(trx, { accountId, eventId, draws, expiresAt: pending.expiresAt, now }, newId);
  const lines = draws.map((d) =>
    toLineView({ ...d.line, reservation_expires_at: pending.expiresAt }, d.amount.toString()),
  );
  return {
    payload: withOrder(payload, plan.chargedOrder),
    process: {
      eventId,
      pending,
      redemption: { lines, transactions: [], order: plan.renderedOrder },
      storedPayload: payload,
    },
  };
}

/** What spending needs to know about the event and its locked wallet. */
export interface SpendContext {
  accountId: string;
  customer: CustomerRow;
  walletId: string;
  catalog: Catalog;
  now: Date;
  issuedAt: Date;
}

const withOrder = (payload: EventPayload, order: Order | null) =>
  order ? { ...payload, order } : payload;

/**
 * Records lots already taken (their remaining lowered by the caller): one REDEMPTION row per
 * lot, and the options that make processEvent store them with the order's redemptions_result;
 * earning sees the order as charged.
 */
export function recordSpend(
  opts: SpendContext & {
    payload: EventPayload;
    eventId: string;
    plan: EventRedemption;
    draws: Draw[];
  },
): { payload: EventPayload; process: Partial<ProcessOptions> } {
  const records = redemptionRecords(opts);
  return {
    payload: withOrder(opts.payload, opts.plan.chargedOrder),
    process: {
      eventId: opts.eventId,
      redemption: {
        lines: records.map((r) => r.line),
        transactions: records.map((r) => r.transaction),
        order: opts.plan.renderedOrder,
      },
      storedPayload: opts.payload,
    },
  };
}
