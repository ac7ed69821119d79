import { releaseExpiredHolds } from "../ledger/index.ts";
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
