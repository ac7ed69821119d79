import { json } from "@tally/db";
import { ZTierWriteSchema } from "@tally/schemas";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTier,
  demoteTiers,
  expireLines,
  expireReservations,
  loadWalletView,
} from "../../src/index.ts";
import {
  createCustomers,
  createTestDatabase,
  expectLedgerBalanced,
  grantLine,
  holdReservation,
  newAccount,
  type TestDatabase,
  walletOf,
} from "../../testing/index.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const count = async (type: "EXPIRATION") =>
  Number(
    (
      await t.db
        .selectFrom("transactions")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("type", "=", type)
        .executeTakeFirstOrThrow()
    ).n,
  );
const line = (id: string) =>
  t.db.selectFrom("wallet_lines").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("expireLines", () => {
  it("expires a lot exactly at its date, once, without changing the wallet the API shows", async () => {
    const { accountId, rewardId } = await newAccount(t.db, () => new Date());
    await createCustomers(t.db, accountId, ["x1"]);
    const at = new Date("2025-03-01T12:00:00.000Z");
    const expiring = await grantLine(t.db, {
      accountId,
      customerId: "x1",
      rewardId,
      amount: "10.25",
      expiresAt: at,
    });
    await grantLine(t.db, { accountId, customerId: "x1", rewardId, amount: "5", expiresAt: null });
    const w = await walletOf(t.db, accountId, "x1");
    const total = async (now: Date) =>
      (
        await loadWalletView(t.db, {
          accountId,
          walletId: w.walletId,
          customerUuid: w.customerUuid,
          now,
        })
      ).totals[0]?.total;

    const before = new Date(at.getTime() - 1);
    expect(await expireLines({ db: t.db, now: before })).toEqual({
      wallets: 0,
      lines: 0,
      reservations: 0,
    });
    expect((await line(expiring)).remaining).toBe("10.25");
    expect(await total(before)).toBe(15.25);
    const shownAtExpiry = await total(at); // expired lots never count, job or no job

    expect(await expireLines({ db: t.db, now: at })).toEqual({
      wallets: 1,
      lines: 1,
      reservations: 0,
    });
    expect((await line(expiring)).remaining).toBe("0");
    expect(await total(at)).toBe(shownAtExpiry);
    expect(shownAtExpiry).toBe(5);
    const tx = await t.db
      .selectFrom("transactions")
      .selectAll()
      .where("line_id", "=", expiring)
      .where("type", "=", "EXPIRATION")
      .executeTakeFirstOrThrow();
    expect(tx).toMatchObject({
      amount: "-10.25",
      details: "Expired",
      customer_uuid: w.customerUuid,
    });
    expect((tx.attributes as { line: { id: string; amount: number } }).line).toMatchObject({
      id: expiring,
      amount: 10.25,
    });
    await expectLedgerBalanced(t.db);

    const n = await count("EXPIRATION");
    expect(await expireLines({ db: t.db, now: new Date(at.getTime() + 60_000) })).toMatchObject({
      lines: 0,
    });
    expect(await count("EXPIRATION")).toBe(n);
    await expectLedgerBalanced(t.db);
  });

  it("works through many wallets in small batches and releases holds on expired lots", async () => {
    const { accountId, rewardId } = await newAccount(t.db, () => new Date());
    const ids = Array.from({ length: 7 }, (_, i) => `b${i}`);
    await createCustomers(t.db, accountId, ids);
    const at = new Date("2025-04-01T00:00:00.000Z");
    for (const id of ids)
      await grantLine(t.db, { accountId, customerId: id, rewardId, amount: "3", expiresAt: at });
    const held = await grantLine(t.db, {
      accountId,
      customerId: "b0",
      rewardId,
      amount: "4",
      expiresAt: at,
    });
    await holdReservation(t.db, {
      accountId,
      customerId: "b0",
      lineId: held,
      amount: "1.5",
      expiresAt: new Date("2099-01-01T00:00:00Z"),
    });
    expect(await expireLines({ db: t.db, now: at, batchSize: 2 })).toEqual({
      wallets: 7,
      lines: 8,
      reservations: 1,
    });
    expect(await line(held)).toMatchObject({ remaining: "0", reserved: "0" });
    await expectLedgerBalanced(t.db);
  });
});

describe("expireReservations", () => {
  it("releases holds past their window and marks their PENDING events EXPIRED", async () => {
    const { accountId, rewardId } = await newAccount(t.db, () => new Date());
    await createCustomers(t.db, accountId, ["r1"]);
    const lineId = await grantLine(t.db, {
      accountId,
      customerId: "r1",
      rewardId,
      amount: "10",
      expiresAt: null,
    });
    const at = new Date("2025-06-01T00:00:00.000Z");
    const early = await holdReservation(t.db, {
      accountId,
      customerId: "r1",
      lineId,
      amount: "2.5",
      expiresAt: at,
    });
    const later = new Date("2025-06-02T00:00:00.000Z");
    const late = await holdReservation(t.db, {
      accountId,
      customerId: "r1",
      lineId,
      amount: "1",
      expiresAt: later,
    });
    expect((await line(lineId)).reserved).toBe("3.5");

    expect(await expireReservations({ db: t.db, now: new Date(at.getTime() - 1) })).toEqual({
      wallets: 0,
      reservations: 0,
      events: 0,
    });
    expect(await expireReservations({ db: t.db, now: at })).toEqual({
      wallets: 1,
      reservations: 1,
      events: 1,
    });
    expect(Number((await line(lineId)).reserved)).toBe(1);
    const event = (id: string) =>
      t.db.selectFrom("events").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(await event(early)).toMatchObject({ status: "EXPIRED", expired_at: at });
    expect((await event(late)).status).toBe("PENDING");
    expect(await expireReservations({ db: t.db, now: at })).toEqual({
      wallets: 0,
      reservations: 0,
      events: 0,
    });

    // Reserved never drops below 0, even when a line's reserved was already lowered.
    await t.db
      .updateTable("wallet_lines")
      .set({ reserved: "0.5" })
      .where("id", "=", lineId)
      .execute();
    expect(await expireReservations({ db: t.db, now: later })).toMatchObject({
      reservations: 1,
      events: 1,
    });
    expect(await line(lineId)).toMatchObject({
      reserved: "0",
      reservation_expires_at: null,
      remaining: "10",
    });
    await expectLedgerBalanced(t.db);
  });
});

describe("demoteTiers", () => {
  const spend = (op: string, n: number) => [
    [{ type: "Customer Spend Total", operator: op, primitive: "currency", value: n }],
  ];

  /** An account created on 2025-01-10: its first tier period to demote starts 2025-02-01. */
  async function accountSince2025() {
    const { accountId } = await newAccount(t.db, () => new Date());
    await sql`update accounts set created_at = ${new Date("2025-01-10T00:00:00Z")} where id = ${accountId}`.execute(
      t.db,
    );
    return accountId;
  }

  /** A tier entered from `entry` spent and left below `exit`. */
  const addTier = (accountId: string, name: string, level: number, entry: number, exit: number) =>
    createTier(
      { db: t.db, now: () => new Date() },
      accountId,
      ZTierWriteSchema.parse({
        name,
        level,
        entry_conditions: spend("greater than or equal to", entry),
        exit_conditions: spend("less than", exit),
      }),
    );

  /** The test database, but its `nth` transaction fails (a dropped connection, say). */
  function failingTransaction(nth: number) {
    let calls = 0;
    return new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === "transaction" && ++calls === nth) {
          return () => ({ execute: () => Promise.reject(new Error("connection lost")) });
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  }

  it("demotes at the period boundary, once per period, never before", async () => {
    const accountId = await accountSince2025();
    const silver = await addTier(accountId, "Silver", 2, 1000, 500);
    const gold = await addTier(accountId, "Gold", 3, 5000, 2000);
    await createCustomers(t.db, accountId, ["d1", "d2", "d3"]);
    const setCustomer = (id: string, tierId: string, spendTotal: number) =>
      t.db
        .updateTable("customers")
        .set({
          tier_id: tierId,
          metrics: json({
            lifetime: {
              from: null,
              to: null,
              last_visit: null,
              spend_total: spendTotal,
              number_of_purchases: 1,
            },
          }),
        })
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .execute();
    await setCustomer("d1", gold.id, 1500); // gold exit holds; silver entry holds → silver
    await setCustomer("d2", gold.id, 100); // → base
    await setCustomer("d3", gold.id, 3000); // stays gold
    const tierOf = async (id: string) =>
      (
        await t.db
          .selectFrom("customers")
          .select("tier_id")
          .where("account_id", "=", accountId)
          .where("id", "=", id)
          .executeTakeFirstOrThrow()
      ).tier_id;
    const base = await tierOf("x-none").catch(() => null);
    expect(base).toBeNull();

    const boundary = new Date("2025-02-01T00:00:00.000Z");
    expect(
      await demoteTiers({ db: t.db, now: new Date("2025-01-31T23:59:59.999Z"), accountId }),
    ).toEqual({ accounts: 0, customers: 0 });
    expect(await tierOf("d1")).toBe(gold.id);
    expect(await demoteTiers({ db: t.db, now: boundary, accountId })).toEqual({
      accounts: 1,
      customers: 2,
    });
    expect(await tierOf("d1")).toBe(silver.id);
    expect(await tierOf("d2")).not.toBe(silver.id);
    expect(await tierOf("d3")).toBe(gold.id);

    // Silver's exit conditions now hold for d1 too, but the period's run is done.
    await setCustomer("d1", silver.id, 100);
    expect(
      await demoteTiers({ db: t.db, now: new Date("2025-02-15T00:00:00Z"), accountId }),
    ).toEqual({ accounts: 0, customers: 0 });
    expect(await tierOf("d1")).toBe(silver.id);
    expect(
      await demoteTiers({ db: t.db, now: new Date("2025-03-01T00:00:00Z"), accountId }),
    ).toEqual({ accounts: 1, customers: 1 });
    expect(await tierOf("d1")).not.toBe(silver.id);

    // Quarterly: March is not a boundary, April 1 is.
    await t.db
      .updateTable("accounts")
      .set({ tier_period: "quarterly" })
      .where("id", "=", accountId)
      .execute();
    await setCustomer("d3", gold.id, 100);
    expect(
      await demoteTiers({ db: t.db, now: new Date("2025-03-31T00:00:00Z"), accountId }),
    ).toMatchObject({ accounts: 0 });
    expect(
      await demoteTiers({ db: t.db, now: new Date("2025-04-01T01:00:00Z"), accountId }),
    ).toEqual({ accounts: 1, customers: 1 });
    await expectLedgerBalanced(t.db);
  });

  it("a run that fails part-way leaves the period due: the next tick demotes", async () => {
    const accountId = await accountSince2025();
    const gold = await addTier(accountId, "Gold", 2, 1000, 500);
    await createCustomers(t.db, accountId, ["f1"]);
    await t.db
      .updateTable("customers")
      .set({ tier_id: gold.id })
      .where("account_id", "=", accountId)
      .execute();
    // The database fails the first customer's transaction.
    const flaky = failingTransaction(1);
    const boundary = new Date("2025-02-01T00:00:00Z");
    await expect(demoteTiers({ db: flaky, now: boundary, accountId })).rejects.toThrow(
      "connection lost",
    );
    const tierOf = async () =>
      (
        await t.db
          .selectFrom("customers")
          .select("tier_id")
          .where("account_id", "=", accountId)
          .executeTakeFirstOrThrow()
      ).tier_id;
    expect(await tierOf()).toBe(gold.id);
    expect(
      await demoteTiers({ db: t.db, now: new Date("2025-02-01T01:00:00Z"), accountId }),
    ).toEqual({ accounts: 1, customers: 1 });
    expect(await tierOf()).not.toBe(gold.id);
    expect(
      await demoteTiers({ db: t.db, now: new Date("2025-02-01T02:00:00Z"), accountId }),
    ).toEqual({ accounts: 0, customers: 0 });
  });

  /** Customers in Gold at 1,100 spent, below Silver's exit (1,200) too: one step per period. */
  async function goldAt1100(ids: string[]) {
    const accountId = await accountSince2025();
    const silver = await addTier(accountId, "Silver", 2, 1000, 1200);
    const gold = await addTier(accountId, "Gold", 3, 5000, 2000);
    await createCustomers(t.db, accountId, ids);
    await t.db
      .updateTable("customers")
      .set({
        tier_id: gold.id,
        metrics: json({
          lifetime: { from: null, to: null, last_visit: null, spend_total: 1100 },
        }),
      })
      .where("account_id", "=", accountId)
      .execute();
    const tiers = async () =>
      (
        await t.db
          .selectFrom("customers")
          .select("tier_id")
          .where("account_id", "=", accountId)
          .orderBy("id")
          .execute()
      ).map((r) => r.tier_id);
    return { accountId, silver, tiers };
  }

  it("moves a customer one tier per period, whether the period's run is retried or run twice at once", async () => {
    const retried = await goldAt1100(["r1", "r2"]);
    const flaky = failingTransaction(2);
    const boundary = new Date("2025-02-01T00:00:00Z");
    await expect(
      demoteTiers({ db: flaky, now: boundary, accountId: retried.accountId }),
    ).rejects.toThrow("connection lost");
    await demoteTiers({
      db: t.db,
      now: new Date("2025-02-01T01:00:00Z"),
      accountId: retried.accountId,
    });
    expect(await retried.tiers()).toEqual([retried.silver.id, retried.silver.id]);

    const twice = await goldAt1100(["c1", "c2"]);
    await Promise.all([
      demoteTiers({ db: t.db, now: boundary, accountId: twice.accountId }),
      demoteTiers({ db: t.db, now: boundary, accountId: twice.accountId }),
    ]);
    expect(await twice.tiers()).toEqual([twice.silver.id, twice.silver.id]);
    // The next period takes the next step.
    await demoteTiers({
      db: t.db,
      now: new Date("2025-03-01T00:00:00Z"),
      accountId: twice.accountId,
    });
    expect((await twice.tiers()).includes(twice.silver.id)).toBe(false);
  });
});
