import { dec } from "@tally/core";
import { sql } from "kysely";
import {
  DEFAULT_BATCH_SIZE,
  distinctWallets,
  lockWallet,
  type MaintenanceOptions,
  sweepWallets,
  type Trx,
  type WalletKey,
} from "./shared.ts";

/** What one expireReservations run changed. */
export interface ExpireReservationsResult {
  wallets: number;
  reservations: number;
  events: number;
}

/** Wallets with a HELD reservation or a PENDING event whose window closed by `now`. */
async function dueWallets(opts: MaintenanceOptions, limit: number): Promise<WalletKey[]> {
  const [held, pending] = await Promise.all([
    opts.db
      .selectFrom("reservations as r")
      .innerJoin("wallet_lines as l", (j) =>
        j.onRef("l.account_id", "=", "r.account_id").onRef("l.id", "=", "r.line_id"),
      )
      .select(["l.account_id", "l.wallet_id"])
      .where("r.status", "=", "HELD")
      .where("r.expires_at", "<=", opts.now)
      .limit(limit)
      .execute(),
    opts.db
      .selectFrom("events as e")
      .innerJoin("wallets as w", (j) =>
        j
          .onRef("w.account_id", "=", "e.account_id")
          .onRef("w.customer_uuid", "=", "e.customer_uuid"),
      )
      .select(["w.account_id", "w.id as wallet_id"])
      .where("e.status", "=", "PENDING")
      .where("e.reservation_expires_at", "<=", opts.now)
      .limit(limit)
      .execute(),
  ]);
  return distinctWallets([...held, ...pending]);
}

/**
 * Releases HELD reservations whose window closed (expires_at <= now) — the lot's reserved amount
 * drops by theirs, never below 0 — and turns PENDING events whose reservation_expires_at <= now
 * into EXPIRED (expired_at = now), releasing their holds too; one transaction per wallet.
 */
export async function expireReservations(
  opts: MaintenanceOptions,
): Promise<ExpireReservationsResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  return sweepWallets({
    db: opts.db,
    zero: { reservations: 0, events: 0 },
    findDue: () => dueWallets(opts, batchSize),
    perWallet: (trx, key) => expireWallet(trx, key, opts.now),
  });
}

async function expireWallet(trx: Trx, key: WalletKey, now: Date) {
  const customerUuid = await lockWallet(trx, key);
  if (!customerUuid) return { reservations: 0, events: 0 };
  return releaseExpiredHolds(trx, { ...key, customer_uuid: customerUuid }, now);
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
  return { reservations: released.length, events: events.length };
}
