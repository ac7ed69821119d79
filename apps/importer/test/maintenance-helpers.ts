import type { Db } from "@tally/db";
import { json } from "@tally/db";
import { drainJobs } from "../src/index.ts";
import { enqueue } from "./helpers.ts";

let seq = 0;
const nextId = () => {
  seq++;
  const hex = (Date.now() * 1000 + seq).toString(16).padStart(12, "0").slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
};

/** Creates customers (empty wallets) through a CUSTOMERS migration job. */
export async function createCustomers(db: Db, accountId: string, ids: string[]) {
  await enqueue(db, () => new Date(), accountId, "CUSTOMERS", {
    customers: ids.map((id) => ({ id })),
  });
  await drainJobs({ db, now: () => new Date() });
}

/** The wallet and customer uuid of a customer id. */
export async function walletOf(db: Db, accountId: string, customerId: string) {
  return db
    .selectFrom("wallets as w")
    .innerJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "w.account_id").onRef("c.uuid", "=", "w.customer_uuid"),
    )
    .select(["w.id as walletId", "c.uuid as customerUuid"])
    .where("w.account_id", "=", accountId)
    .where("c.id", "=", customerId)
    .executeTakeFirstOrThrow();
}

/** Adds a lot with its MIGRATION transaction (keeps the ledger balanced); answers the line id. */
export async function grantLine(
  db: Db,
  opts: {
    accountId: string;
    customerId: string;
    rewardId: string;
    amount: string;
    expiresAt: Date | null;
    reserved?: string;
  },
): Promise<string> {
  const { walletId, customerUuid } = await walletOf(db, opts.accountId, opts.customerId);
  const id = nextId();
  const issuedAt = new Date("2024-01-01T00:00:00Z");
  await db
    .insertInto("wallet_lines")
    .values({
      account_id: opts.accountId,
      id,
      wallet_id: walletId,
      reward_id: opts.rewardId,
      campaign_id: null,
      brand_id: null,
      event_id: null,
      source: "MIGRATION",
      amount: opts.amount,
      remaining: opts.amount,
      reserved: opts.reserved ?? "0",
      issued_at: issuedAt,
      expiration_date: opts.expiresAt,
      reservation_expires_at: null,
      channel_id: null,
      store_id: null,
      funded_by: null,
    })
    .execute();
  await db
    .insertInto("transactions")
    .values({
      account_id: opts.accountId,
      id: nextId(),
      wallet_id: walletId,
      customer_uuid: customerUuid,
      reward_id: opts.rewardId,
      line_id: id,
      reward_type: "POINTS",
      type: "MIGRATION",
      amount: opts.amount,
      cost: "0",
      issued_at: issuedAt,
      attributes: json({}),
      metadata: json({}),
    })
    .execute();
  return id;
}

/** A PENDING event holding `amount` of a line until `expiresAt` (as the spending feature will). */
export async function holdReservation(
  db: Db,
  opts: { accountId: string; customerId: string; lineId: string; amount: string; expiresAt: Date },
) {
  const { customerUuid } = await walletOf(db, opts.accountId, opts.customerId);
  const eventId = nextId();
  await db
    .insertInto("events")
    .values({
      account_id: opts.accountId,
      id: eventId,
      customer_uuid: customerUuid,
      brand_id: null,
      type: "PURCHASE",
      status: "PENDING",
      fulfilled: false,
      payload: json({}),
      payload_hash: eventId,
      issued_at: opts.expiresAt,
      reservation_expires_at: opts.expiresAt,
    })
    .execute();
  await db
    .insertInto("reservations")
    .values({
      account_id: opts.accountId,
      id: nextId(),
      event_id: eventId,
      line_id: opts.lineId,
      amount: opts.amount,
      status: "HELD",
      expires_at: opts.expiresAt,
    })
    .execute();
  await db
    .updateTable("wallet_lines")
    .set((eb) => ({ reserved: eb("reserved", "+", opts.amount) }))
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.lineId)
    .execute();
  return eventId;
}
