import { type Db, json } from "@tally/db";

let seq = 0;
const nextId = () => {
  seq++;
  const hex = (Date.now() * 1000 + seq).toString(16).padStart(12, "0").slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
};

/** Sum of remaining lot amounts per customer id (as text, exact). */
export async function balances(db: Db, accountId: string): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("wallet_lines as l")
    .innerJoin("wallets as w", (j) =>
      j.onRef("w.account_id", "=", "l.account_id").onRef("w.id", "=", "l.wallet_id"),
    )
    .innerJoin("customers as c", (j) =>
      j.onRef("c.account_id", "=", "w.account_id").onRef("c.uuid", "=", "w.customer_uuid"),
    )
    .select(["c.id", (eb) => eb.fn.sum<string>("l.remaining").as("total")])
    .where("l.account_id", "=", accountId)
    .groupBy("c.id")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.id, String(Number(r.total))]));
}

/** Rows of the account's ledger: count and exact sum per type. */
export async function ledgerOf(db: Db, accountId: string) {
  const rows = await db
    .selectFrom("transactions")
    .select(["type", (eb) => eb.fn.countAll<number>().as("n")])
    .where("account_id", "=", accountId)
    .groupBy("type")
    .orderBy("type")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

/** The lifetime metrics of a customer. */
export async function lifetimeOf(db: Db, accountId: string, id: string) {
  const row = await db
    .selectFrom("customers")
    .select("metrics")
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return (row.metrics as { lifetime: Record<string, unknown> }).lifetime;
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
