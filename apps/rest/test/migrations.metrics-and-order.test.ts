import { drainJobs } from "@tally/jobs";
import { claimMigrationJob } from "@tally/service";
import { describe, expect, it } from "vitest";
import {
  client,
  expectError,
  newCustomer,
  newTenant,
  pointsProgram,
  type Tenant,
  tokenFor,
  useTestApp,
} from "./helpers.ts";

const ctx = useTestApp();

async function send(tenant: Tenant, path: string, body: unknown) {
  const res = await tenant.server.post(`/customers/migrate${path}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.data.id as string;
}
const job = async (tenant: Tenant, id: string) =>
  (await tenant.server.get(`/migrations/${id}`).expect(200)).body.data;
const total = async (tenant: Tenant, id: string) =>
  (await tenant.server.get(`/customers/${id}`).expect(200)).body.data.wallet.totals[0]?.total ?? 0;

describe("migrated metrics", () => {
  it("land in the periods holding today, whatever bounds the legacy system sent or the stored ones had", async () => {
    ctx.clock.pin(new Date("2026-01-15T12:00:00Z"));
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant);
    ctx.clock.pin(new Date("2026-03-15T12:00:00Z"));
    tenant.server = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
    const sent = await send(tenant, "", {
      customers: [
        {
          id,
          metrics: {
            lifetime: { spend_total: 80, number_of_purchases: 3 },
            this_month: { spend_total: 50, number_of_purchases: 1 },
            // The legacy system's month in its own time zone.
            last_month: {
              from: "2026-02-01T06:00:00Z",
              to: "2026-03-01T05:59:59Z",
              spend_total: 30,
              number_of_purchases: 2,
            },
          },
        },
      ],
    });
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    expect(await job(tenant, sent)).toMatchObject({ status: "SUCCEEDED" });
    const metrics = (await tenant.server.get(`/customers/${id}`).expect(200)).body.data.customer
      .metrics;
    expect(metrics.lifetime).toMatchObject({ spend_total: 80, number_of_purchases: 3 });
    expect(metrics.this_month).toMatchObject({
      from: "2026-03-01T00:00:00.000Z",
      spend_total: 50,
      number_of_purchases: 1,
    });
    expect(metrics.last_month).toMatchObject({
      from: "2026-02-01T00:00:00.000Z",
      spend_total: 30,
      number_of_purchases: 2,
    });
  });
});

describe("migrations: resubmissions and order", () => {
  it("recognises a resubmission listing alike lots in another order (duplicates, not a conflict)", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const lot = (amount: number) => ({ reward_id: rewardId, amount });
    await send(tenant, "", { customers: [{ id: "two-lots", balance: [lot(10), lot(20)] }] });
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    const again = await send(tenant, "", {
      customers: [{ id: "two-lots", balance: [lot(20), lot(10)] }],
    });
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    expect(await job(tenant, again)).toMatchObject({ status: "SUCCEEDED", duplicates: 2 });
    expect(await total(tenant, "two-lots")).toBe(30);
    // A changed amount among them is still a conflict.
    const changed = await send(tenant, "", {
      customers: [{ id: "two-lots", balance: [lot(25), lot(10)] }],
    });
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    expect((await job(tenant, changed)).errors[0]).toMatchObject({ code: "CONFLICT" });
    expect(await total(tenant, "two-lots")).toBe(30);
  });

  it("recognises a re-spelled opening balance and refuses a changed amount instead of crediting it again", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const entry = { reward_id: rewardId, amount: 100, expiration_date: "2030-01-01" };
    await send(tenant, "", { customers: [{ id: "b1", balance: [entry] }] });
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    const respelled = { ...entry, expiration_date: "2030-01-01T00:00:00Z", brand_id: null };
    const again = await send(tenant, "", { customers: [{ id: "b1", balance: [respelled] }] });
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    expect(await job(tenant, again)).toMatchObject({ status: "SUCCEEDED", duplicates: 1 });
    expect(await total(tenant, "b1")).toBe(100);
    const corrected = await send(tenant, "", {
      customers: [{ id: "b1", balance: [{ ...entry, amount: 120 }] }],
    });
    await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
    const failed = await job(tenant, corrected);
    expect(failed).toMatchObject({ status: "FAILED", failed: 1 });
    expect(failed.errors[0]).toMatchObject({ customer_id: "b1", code: "CONFLICT" });
    expect(await total(tenant, "b1")).toBe(100);
  });

  it("refuses amounts whose sum could not stay exact (beyond a trillion or 8 decimals)", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const tx = (amount: number) => ({
      reward_id: rewardId,
      type: "ACCUMULATION",
      issued_at: "2024-01-01T00:00:00Z",
      amount,
    });
    const body = { customers: [{ id: "t1", transactions: [tx(1e12), tx(1e-30), tx(-1e12)] }] };
    expectError(
      await tenant.server.post("/customers/migrate/transactions", body),
      400,
      "VALIDATION_FAILED",
      /transactions\[1\]\.amount/,
    );
    const huge = { customers: [{ id: "t1", transactions: [tx(1e300)] }] };
    expectError(
      await tenant.server.post("/customers/migrate/transactions", huge),
      400,
      "VALIDATION_FAILED",
      /amount/,
    );
  });

  it("runs an account's jobs in the order they were sent, whichever worker asks", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const first = await send(tenant, "", {
      customers: [{ id: "o1", balance: [{ reward_id: rewardId, amount: 5 }] }],
    });
    const tx = {
      reward_id: rewardId,
      type: "ACCUMULATION",
      issued_at: "2024-01-01T00:00:00Z",
      amount: 5,
    };
    await send(tenant, "/transactions", { customers: [{ id: "o1", transactions: [tx] }] });
    const now = ctx.clock.now();
    const a = await claimMigrationJob(ctx.t.db, { workerId: "a", now, leaseMs: 60_000 });
    expect(a?.id).toBe(first);
    // While the customers job runs elsewhere, the transactions job that depends on it waits.
    expect(
      await claimMigrationJob(ctx.t.db, { workerId: "b", now, leaseMs: 60_000 }),
    ).toBeUndefined();
    // Once worker a's lease has lapsed, the older job is taken over first, then the rest in order.
    const later = new Date(now.getTime() + 61_000);
    await drainJobs({ db: ctx.t.db, now: () => later });
    const statuses = await ctx.t.db
      .selectFrom("migration_jobs")
      .select(["type", "status"])
      .where("account_id", "=", tenant.accountId)
      .orderBy("created_at")
      .execute();
    expect(statuses).toEqual([
      { type: "CUSTOMERS", status: "SUCCEEDED" },
      { type: "TRANSACTIONS", status: "SUCCEEDED" },
    ]);
  });
});
