import { dec } from "@tally/core";
import { json } from "@tally/db";
import { newId } from "../deps.ts";
import { toLineView } from "../views.ts";
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
  return { lines: lines.length, reservations: Number(released.numUpdatedRows) };
}
