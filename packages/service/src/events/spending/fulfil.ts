import { D } from "@tally/core";
import type { Database } from "@tally/db";
import type { TEvent } from "@tally/schemas";
import type Decimal from "decimal.js";
import type { Transaction } from "kysely";
import { loadCatalog } from "../../catalog/index.ts";
import type { EventPayload } from "../../kernel/index.ts";
import { type ServiceDeps, transact } from "../../kernel/index.ts";
import { type Draw, moveRemaining, pickDraws, settleHolds } from "../../ledger/index.ts";
import { processEvent } from "../process.ts";
import { recordEventWebhooks } from "../webhooks.ts";
import { recordSpend, type SpendContext } from "./event.ts";
import { eventAnswer, expectStatus, lockEvent } from "./locked-event.ts";
import { checkRedemption, hasRedeem } from "./redeem.ts";

type Trx = Transaction<Database>;

/**
 * PATCH /behavior/events/{id}/fulfill (docs/api-decisions.md#reservations): a PENDING event spends what it holds and
 * is credited, becoming RESOLVED. An EXPIRED one (its holds released), or one holding a lot
 * that has expired since, is re-checked against the wallet as it is now and proceeds if it can
 * (422 listing each failing item otherwise). Any other status → 409. One transaction, wallet
 * locked first.
 */
export async function fulfilEvent(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<TEvent> {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const locked = await lockEvent(trx, { accountId, id, now });
    const { event, customer, walletId } = locked;
    expectStatus(event, ["PENDING", "EXPIRED"], "fulfilled");
    const catalog = await loadCatalog(trx, accountId, locked.catalogVersion);
    const payload = event.payload as EventPayload;
    const ctx = { accountId, customer, walletId, catalog, now, issuedAt: event.issued_at };
    const spent = hasRedeem(payload)
      ? await spendHolds(trx, { ...ctx, payload, eventId: event.id })
      : { payload, process: {} };
    const processed = await processEvent(trx, {
      accountId,
      customer,
      walletId,
      catalog,
      payload: spent.payload,
      now,
      source: event.source,
      issuedAt: event.issued_at,
      purchaseId: event.purchase_id,
      payloadHash: event.payload_hash,
      eventId: event.id,
      existing: true,
      ...spent.process,
    });
    const answer = await eventAnswer(trx, {
      accountId,
      event: { ...processed.event, created_at: event.created_at },
      customer: processed.customer,
      customerId: locked.customerId,
      now,
    });
    if (answer.result?.wallet) {
      recordEventWebhooks(trx, {
        accountId,
        customerUuid: customer.uuid,
        customerId: locked.customerId,
        now,
        eventId: event.id,
        kind: "FULFILLED",
        transactions: answer.result.transactions,
        wallet: answer.result.wallet,
        tier: { from: customer.tier_id, to: processed.customer.tier_id },
      });
    }
    return answer;
  });
}

/**
 * The event's redemptions at fulfil time. Its holds are spent as they are when they still cover
 * exactly what the order redeems, on lots that have not expired; otherwise (the event EXPIRED,
 * the expiry job took a held lot, a lot expired since) the holds go and the order is checked
 * against the wallet as it is now, spending fresh lots if it can (else 422).
 */
async function spendHolds(
  trx: Trx,
  opts: SpendContext & { payload: EventPayload; eventId: string },
) {
  const { accountId, eventId, now } = opts;
  const holds = await loadHolds(trx, accountId, eventId);
  const held = unitsByReward(holds.map((h) => ({ reward_id: h.line.reward_id, amount: h.amount })));
  const plan = await checkRedemption(trx, { ...opts, held });
  const asked = unitsByReward(plan.outcome.draws);
  const intact =
    holds.length > 0 &&
    holds.every((h) => h.line.expiration_date === null || h.line.expiration_date > now) &&
    sameUnits(held, asked);
  if (intact) {
    await settleHolds(trx, { accountId, eventId, to: "SPENT" });
    return recordSpend({ ...opts, plan, draws: holds });
  }
  if (holds.length > 0) {
    await settleHolds(trx, { accountId, eventId, to: "RELEASED" });
    return spendHolds(trx, opts);
  }
  const draws = pickDraws(plan.lots, plan.outcome.draws, now);
  await moveRemaining(
    trx,
    accountId,
    draws.map((d) => ({ lineId: d.line.id, delta: d.amount.neg() })),
  );
  return recordSpend({ ...opts, plan, draws });
}

/** The event's HELD reservations with their lots, in the order they were taken. */
async function loadHolds(trx: Trx, accountId: string, eventId: string): Promise<Draw[]> {
  const rows = await trx
    .selectFrom("reservations as r")
    .innerJoin("wallet_lines as l", (j) =>
      j.onRef("l.account_id", "=", "r.account_id").onRef("l.id", "=", "r.line_id"),
    )
    .selectAll("l")
    .select("r.amount as held")
    .where("r.account_id", "=", accountId)
    .where("r.event_id", "=", eventId)
    .where("r.status", "=", "HELD")
    .orderBy("r.id")
    .execute();
  return rows.map(({ held, ...line }) => ({ line, amount: new D(held) }));
}

function unitsByReward(items: { reward_id: string; amount: Decimal }[]): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const i of items) {
    if (i.amount.isZero()) continue;
    out.set(i.reward_id, (out.get(i.reward_id) ?? new D(0)).plus(i.amount));
  }
  return out;
}

function sameUnits(a: Map<string, Decimal>, b: Map<string, Decimal>): boolean {
  return a.size === b.size && [...a].every(([id, units]) => b.get(id)?.eq(units) ?? false);
}
