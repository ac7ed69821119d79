import { D } from "@tally/core";
import type { TEvent } from "@tally/schemas";
import type Decimal from "decimal.js";
import { loadCatalog } from "../catalog.ts";
import type { ServiceDeps } from "../deps.ts";
import type { EventPayload } from "../events/facts.ts";
import { type ProcessOptions, processEvent } from "../events/process.ts";
import { eventAnswer, expectStatus, lockEvent } from "./locked-event.ts";
import { type Draw, moveRemaining, pickDraws, settleHolds } from "./lots.ts";
import { checkRedemption, hasRedeem, redemptionRecords } from "./redeem.ts";

/**
 * PATCH /behavior/events/{id}/fulfill (decisions §6): a PENDING event spends what it holds and
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
  return deps.db.transaction().execute(async (trx) => {
    const locked = await lockEvent(trx, { accountId, id, now });
    const { event, customer, walletId } = locked;
    expectStatus(event, ["PENDING", "EXPIRED"], "fulfilled");
    const catalog = await loadCatalog(trx, accountId, locked.catalogVersion);
    const payload = event.payload as EventPayload;
    let charged = payload;
    let spending: Partial<ProcessOptions> = {};
    if (hasRedeem(payload)) {
      const holds = await trx
        .selectFrom("reservations as r")
        .innerJoin("wallet_lines as l", (j) =>
          j.onRef("l.account_id", "=", "r.account_id").onRef("l.id", "=", "r.line_id"),
        )
        .selectAll("l")
        .select("r.amount as held")
        .where("r.account_id", "=", accountId)
        .where("r.event_id", "=", event.id)
        .where("r.status", "=", "HELD")
        .orderBy("r.id")
        .execute();
      // Expired lots never count: if a held lot expired since, the holds go and the event is
      // re-checked against the wallet as it is now, as an EXPIRED event would be.
      if (holds.some((h) => h.expiration_date !== null && h.expiration_date <= now)) {
        await settleHolds(trx, { accountId, eventId: event.id, to: "RELEASED" });
        holds.length = 0;
      }
      const held = new Map<string, Decimal>();
      for (const h of holds)
        held.set(h.reward_id, (held.get(h.reward_id) ?? new D(0)).plus(h.held));
      const plan = await checkRedemption(trx, {
        accountId,
        customer,
        walletId,
        catalog,
        payload,
        now,
        held,
      });
      let draws: Draw[];
      if (holds.length > 0) {
        await settleHolds(trx, { accountId, eventId: event.id, to: "SPENT" });
        draws = holds.map(({ held: amount, ...line }) => ({ line, amount: new D(amount) }));
      } else {
        draws = pickDraws(plan.lots, plan.outcome.draws, now);
        await moveRemaining(
          trx,
          accountId,
          draws.map((d) => ({ lineId: d.line.id, delta: d.amount.neg() })),
        );
      }
      const records = redemptionRecords({
        accountId,
        walletId,
        customer,
        catalog,
        eventId: event.id,
        payload,
        draws,
        issuedAt: event.issued_at,
        now,
      });
      charged = plan.chargedOrder ? { ...payload, order: plan.chargedOrder } : payload;
      spending = {
        redemption: {
          lines: records.map((r) => r.line),
          transactions: records.map((r) => r.transaction),
          order: plan.renderedOrder,
        },
        storedPayload: payload,
      };
    }
    const processed = await processEvent(trx, {
      accountId,
      customer,
      walletId,
      catalog,
      payload: charged,
      now,
      source: event.source,
      issuedAt: event.issued_at,
      purchaseId: event.purchase_id,
      payloadHash: event.payload_hash,
      eventId: event.id,
      existing: true,
      ...spending,
    });
    return eventAnswer(trx, {
      accountId,
      event: { ...processed.event, created_at: event.created_at },
      customer: processed.customer,
      customerId: locked.customerId,
      now,
    });
  });
}
