import { DomainError, type PunchOutcome, storedPunches } from "@tally/core";
import type { Database } from "@tally/db";
import type { TPunchCard } from "@tally/schemas";
import { sql, type Transaction } from "kysely";
import { findCustomer } from "../customers/index.ts";
import type { ServiceDeps } from "../kernel/index.ts";

type Trx = Transaction<Database>;

/** The customer's stamps on each of the campaigns' cards (read under the wallet lock). */
export async function loadStamps(
  trx: Trx,
  o: { accountId: string; customerUuid: string; campaignIds: string[] },
): Promise<Map<string, number>> {
  if (o.campaignIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom("punch_cards")
    .select(["campaign_id", "stamps"])
    .where("account_id", "=", o.accountId)
    .where("customer_uuid", "=", o.customerUuid)
    .where("campaign_id", "in", o.campaignIds)
    .execute();
  return new Map(rows.map((r) => [r.campaign_id, r.stamps]));
}

/** Writes the stamps an event gave: each card's new count (and completions), and one stamp row per card. */
export async function recordStamps(
  trx: Trx,
  o: {
    accountId: string;
    customerUuid: string;
    eventId: string;
    outcomes: PunchOutcome[];
    now: Date;
  },
): Promise<void> {
  if (o.outcomes.length === 0) return;
  for (const p of o.outcomes) {
    await trx
      .insertInto("punch_cards")
      .values({
        account_id: o.accountId,
        campaign_id: p.campaign_id,
        customer_uuid: o.customerUuid,
        stamps: p.stamps,
        completed: p.completed ? 1 : 0,
        updated_at: o.now,
      })
      .onConflict((oc) =>
        oc.columns(["account_id", "campaign_id", "customer_uuid"]).doUpdateSet({
          stamps: p.stamps,
          completed: sql`punch_cards.completed + ${p.completed ? 1 : 0}`,
          updated_at: o.now,
        }),
      )
      .execute();
  }
  await trx
    .insertInto("punch_card_stamps")
    .values(
      o.outcomes.map((p) => ({
        account_id: o.accountId,
        event_id: o.eventId,
        campaign_id: p.campaign_id,
        customer_uuid: o.customerUuid,
        completed: p.completed,
        status: "ACTIVE" as const,
        created_at: o.now,
      })),
    )
    .execute();
}

/**
 * Takes back the stamps of a reversed event (under the customer's wallet lock). A stamp that
 * did not fill its card comes off the current card; if that card is empty, the stamp already
 * went into a card that paid out, and the reversal is refused (409). A stamp that filled its
 * card (its rewards are undone with the event) gives the card back the punches − 1 stamps it
 * consumed, on top of any stamps since.
 */
export async function takeBackStamps(
  trx: Trx,
  o: { accountId: string; eventId: string; now: Date },
): Promise<void> {
  const stamps = await trx
    .updateTable("punch_card_stamps")
    .set({ status: "REVERSED" })
    .where("account_id", "=", o.accountId)
    .where("event_id", "=", o.eventId)
    .where("status", "=", "ACTIVE")
    .returning(["campaign_id", "customer_uuid", "completed"])
    .execute();
  for (const s of stamps) {
    const card = await trx
      .selectFrom("punch_cards as p")
      .innerJoin("campaigns as c", (j) =>
        j.onRef("c.account_id", "=", "p.account_id").onRef("c.id", "=", "p.campaign_id"),
      )
      .select(["p.stamps", "p.completed", "c.attributes"])
      .where("p.account_id", "=", o.accountId)
      .where("p.campaign_id", "=", s.campaign_id)
      .where("p.customer_uuid", "=", s.customer_uuid)
      .forUpdate("p")
      .executeTakeFirstOrThrow();
    const punches = storedPunches(card.attributes);
    let next: { stamps: number; completed: number };
    if (s.completed) {
      next = { stamps: card.stamps + punches - 1, completed: Math.max(card.completed - 1, 0) };
    } else {
      if (card.stamps < 1) {
        throw new DomainError(
          "CONFLICT",
          `event ${o.eventId}: its punch-card stamp (campaign ${s.campaign_id}) already counted toward a card that paid out; reverse that card's completing event first`,
        );
      }
      next = { stamps: card.stamps - 1, completed: card.completed };
    }
    await trx
      .updateTable("punch_cards")
      .set({ ...next, updated_at: o.now })
      .where("account_id", "=", o.accountId)
      .where("campaign_id", "=", s.campaign_id)
      .where("customer_uuid", "=", s.customer_uuid)
      .execute();
  }
}

/** GET /customers/{id}/punch-cards (extension): the customer's cards, one per campaign stamped. */
export async function listPunchCards(
  deps: ServiceDeps,
  accountId: string,
  customerId: string,
): Promise<TPunchCard[]> {
  const customer = await findCustomer(deps.db, accountId, customerId);
  const rows = await deps.db
    .selectFrom("punch_cards as p")
    .innerJoin("campaigns as c", (j) =>
      j.onRef("c.account_id", "=", "p.account_id").onRef("c.id", "=", "p.campaign_id"),
    )
    .select(["p.campaign_id", "c.name", "c.attributes", "p.stamps", "p.completed", "p.updated_at"])
    .where("p.account_id", "=", accountId)
    .where("p.customer_uuid", "=", customer.uuid)
    .orderBy("p.campaign_id")
    .execute();
  return rows.map((r) => ({
    campaign_id: r.campaign_id,
    name: r.name,
    punches: storedPunches(r.attributes),
    stamps: r.stamps,
    completed: r.completed,
    updated_at: r.updated_at.toISOString(),
  }));
}
