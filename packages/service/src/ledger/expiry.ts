import { dec } from "@tally/core";
import { type Database, json } from "@tally/db";
import { sql, type Transaction } from "kysely";
import { newId } from "../kernel/index.ts";
import { toLineView } from "./views.ts";
import { recordWalletWebhook } from "./webhooks.ts";

type Trx = Transaction<Database>;

/** A wallet: the unit every balance change is made and committed in. */
export interface WalletKey {
  account_id: string;
  wallet_id: string;
}

/**
 * Inside a transaction that already holds the wallet lock: PENDING events of the customer whose
 * window closed become EXPIRED, and every HELD reservation of the wallet that expired (or belongs
 * to such an event) is RELEASED, its lot's `reserved` dropping by its amount. Spending calls this
 * first, so the holds it counts are the live ones.
 */
export async function releaseExpiredHolds(
  trx: Trx,
  key: WalletKey & { customer_uuid: string },
  now: Date,
): Promise<{ reservations: number; events: number }> {
  const customerUuid = key.customer_uuid;
  const events = await trx
    .updateTable("events")
    .set({ status: "EXPIRED", expired_at: now })
    .where("account_id", "=", key.account_id)
    .where("customer_uuid", "=", customerUuid)
    .where("status", "=", "PENDING")
    .where("reservation_expires_at", "<=", now)
    .returning("id")
    .execute();
  const eventIds = events.map((e) => e.id);
  const released = await trx
    .updateTable("reservations")
    .set({ status: "RELEASED" })
    .where("account_id", "=", key.account_id)
    .where("status", "=", "HELD")
    .where("line_id", "in", (eb) =>
      eb
        .selectFrom("wallet_lines")
        .select("id")
        .where("account_id", "=", key.account_id)
        .where("wallet_id", "=", key.wallet_id),
    )
    .where((eb) =>
      eventIds.length > 0
        ? eb.or([eb("expires_at", "<=", now), eb("event_id", "in", eventIds)])
        : eb("expires_at", "<=", now),
    )
    .returning(["line_id", "amount"])
    .execute();
  const byLine = new Map<string, ReturnType<typeof dec>>();
  for (const r of released) byLine.set(r.line_id, (byLine.get(r.line_id) ?? dec(0)).plus(r.amount));
  for (const [lineId, amount] of [...byLine].sort(([a], [b]) => a.localeCompare(b))) {
    const left = sql<string>`greatest(reserved - ${amount.toString()}::numeric, 0)`;
    await trx
      .updateTable("wallet_lines")
      .set({
        reserved: left,
        reservation_expires_at: sql`case when ${left} = 0 then null else reservation_expires_at end`,
      })
      .where("account_id", "=", key.account_id)
      .where("id", "=", lineId)
      .execute();
  }
  for (const e of events)
    recordWalletWebhook(trx, {
      accountId: key.account_id,
      customerUuid,
      now,
      event: "RESERVATION_CANCELLED",
      eventId: e.id,
      extra: () => ({ cause: "EXPIRED" as const }),
    });
  return { reservations: released.length, events: events.length };
}

/**
 * Under the caller's wallet lock: expires the wallet's lots due by `now` (EXPIRATION rows,
 * remaining and reserved to 0, their holds released). A reversal calls it first, so what it
 * takes back never counts units that expiry already took.
 */
export async function expireDueLots(
  trx: Trx,
  key: WalletKey & { customer_uuid: string },
  now: Date,
): Promise<{ lines: number; reservations: number }> {
  const customerUuid = key.customer_uuid;
  const lines = await trx
    .selectFrom("wallet_lines as l")
    .innerJoin("rewards as r", (j) =>
      j.onRef("r.account_id", "=", "l.account_id").onRef("r.id", "=", "l.reward_id"),
    )
    .selectAll("l")
    .select("r.type as reward_type")
    .where("l.account_id", "=", key.account_id)
    .where("l.wallet_id", "=", key.wallet_id)
    .where("l.remaining", ">", "0")
    .where("l.expiration_date", "is not", null)
    .where("l.expiration_date", "<=", now)
    .orderBy("l.expiration_date")
    .orderBy("l.id")
    .execute();
  if (lines.length === 0) return { lines: 0, reservations: 0 };
  const ids = lines.map((l) => l.id);
  // The held amount goes with the lot; a PENDING event re-checks its balance when fulfilled.
  const released = await trx
    .updateTable("reservations")
    .set({ status: "RELEASED" })
    .where("account_id", "=", key.account_id)
    .where("line_id", "in", ids)
    .where("status", "=", "HELD")
    .executeTakeFirst();
  await trx
    .insertInto("transactions")
    .values(
      lines.map(({ reward_type, ...line }) => ({
        account_id: key.account_id,
        id: newId(),
        wallet_id: key.wallet_id,
        customer_uuid: customerUuid,
        reward_id: line.reward_id,
        line_id: line.id,
        event_id: null,
        campaign_id: line.campaign_id,
        reverses_id: null,
        brand_id: line.brand_id,
        channel_id: line.channel_id,
        store_id: line.store_id,
        funded_by: line.funded_by,
        event_type: null,
        reward_type,
        type: "EXPIRATION" as const,
        amount: dec(line.remaining).neg().toString(),
        cost: "0",
        details: "Expired",
        receiver_id: null,
        sender_id: null,
        migration_key: null,
        issued_at: line.expiration_date ?? now,
        created_at: now,
        attributes: json({ line: toLineView(line) }),
        metadata: json({}),
      })),
    )
    .execute();
  await trx
    .updateTable("wallet_lines")
    .set({ remaining: "0", reserved: "0", reservation_expires_at: null })
    .where("account_id", "=", key.account_id)
    .where("id", "in", ids)
    .execute();
  recordWalletWebhook(trx, {
    accountId: key.account_id,
    customerUuid,
    now,
    event: "REWARD_EXPIRED",
    eventId: null,
    rows: { expiredLines: ids },
  });
  return { lines: lines.length, reservations: Number(released.numUpdatedRows) };
}
