import { expireDueLots } from "../ledger/index.ts";
import {
  DEFAULT_BATCH_SIZE,
  distinctWallets,
  lockWallet,
  type MaintenanceOptions,
  sweepWallets,
  type Trx,
  type WalletKey,
} from "./shared.ts";

/** What one expireLines run changed. */
export interface ExpireLinesResult {
  wallets: number;
  lines: number;
  /** HELD reservations released because the lot they held expired. */
  reservations: number;
}

/**
 * Expires every lot whose expiration_date <= now and that still has a remaining amount: one
 * EXPIRATION transaction of −remaining per lot, remaining (and reserved) set to 0, its HELD
 * reservations RELEASED; one database transaction per wallet. Safe to run concurrently.
 */
export async function expireLines(opts: MaintenanceOptions): Promise<ExpireLinesResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  return sweepWallets({
    db: opts.db,
    zero: { lines: 0, reservations: 0 },
    findDue: async () =>
      distinctWallets(
        await opts.db
          .selectFrom("wallet_lines")
          .select(["account_id", "wallet_id"])
          .where("remaining", ">", "0")
          .where("expiration_date", "is not", null)
          .where("expiration_date", "<=", opts.now)
          .orderBy("expiration_date")
          .limit(batchSize)
          .execute(),
      ),
    perWallet: (trx, key) => expireWallet(trx, key, opts.now),
  });
}

/** Expires one wallet's due lots under its lock; a concurrent run finds nothing left to do. */
async function expireWallet(trx: Trx, key: WalletKey, now: Date) {
  const customerUuid = await lockWallet(trx, key);
  if (!customerUuid) return { lines: 0, reservations: 0 };
  return expireDueLots(trx, { ...key, customer_uuid: customerUuid }, now);
}
