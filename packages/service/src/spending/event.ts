import type { Database } from "@tally/db";
import type { Transaction } from "kysely";
import type { Catalog } from "../catalog.ts";
import type { CustomerRow } from "../customers.ts";
import { newId } from "../deps.ts";
import type { EventPayload } from "../events/facts.ts";
import type { ProcessOptions } from "../events/process.ts";
import { toLineView } from "../views.ts";
import { holdDraws, moveRemaining, pickDraws } from "./lots.ts";
import { checkRedemption, hasRedeem, redemptionRecords } from "./redeem.ts";

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
  opts: {
    accountId: string;
    customer: CustomerRow;
    walletId: string;
    catalog: Catalog;
    payload: EventPayload;
    now: Date;
    issuedAt: Date;
  },
): Promise<{ payload: EventPayload; process: Partial<ProcessOptions> }> {
  const { accountId, payload, now } = opts;
  const eventId = newId();
  const pending =
    payload.fulfilled === false
      ? { expiresAt: new Date(now.getTime() + (payload.reserve ?? 1) * DAY_MS) }
      : undefined;
  if (!hasRedeem(payload)) return { payload, process: { eventId, pending } };
  const plan = await checkRedemption(trx, opts);
  const draws = pickDraws(plan.lots, plan.outcome.draws, now);
  const order = plan.renderedOrder;
  const charged = plan.chargedOrder ? { ...payload, order: plan.chargedOrder } : payload;
  if (pending) {
    await holdDraws(trx, { accountId, eventId, draws, expiresAt: pending.expiresAt, now }, newId);
    const lines = draws.map((d) =>
      toLineView({ ...d.line, reservation_expires_at: pending.expiresAt }, d.amount.toString()),
    );
    return {
      payload: charged,
      process: {
        eventId,
        pending,
        redemption: { lines, transactions: [], order },
        storedPayload: payload,
      },
    };
  }
  await moveRemaining(
    trx,
    accountId,
    draws.map((d) => ({ lineId: d.line.id, delta: d.amount.neg() })),
  );
  const records = redemptionRecords({ ...opts, eventId, draws });
  return {
    payload: charged,
    process: {
      eventId,
      redemption: {
        lines: records.map((r) => r.line),
        transactions: records.map((r) => r.transaction),
        order,
      },
      storedPayload: payload,
    },
  };
}
