import { drainJobs } from "@tally/jobs";
import { ZMigrationJobSchema } from "@tally/schemas";
import { createTier } from "@tally/service";
import { describe, expect, it } from "vitest";
import { newCustomer, newTenant, pointsProgram, type Tenant, useTestApp } from "./helpers.ts";

const ctx = useTestApp();

/** POSTs a migrate batch (202), runs the queue, and answers the finished job. */
async function migrate(tenant: Tenant, path: string, body: unknown) {
  const res = await tenant.server.post(`/customers/migrate${path}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.data).toMatchObject({ status: "QUEUED", id: expect.any(String) });
  await drainJobs({ db: ctx.t.db, now: ctx.clock.now });
  const job = await tenant.server.get(`/migrations/${res.body.data.id}`).expect(200);
  return { queued: res.body.data, job: ZMigrationJobSchema.parse(job.body.data) };
}

const customer = async (tenant: Tenant, id: string) =>
  (await tenant.server.get(`/customers/${id}`).expect(200)).body.data;
const ledger = async (tenant: Tenant, id: string) =>
  (await tenant.server.get(`/customers/${id}/transactions`).expect(200)).body.data as {
    type: string;
    amount: number;
  }[];
const totalOf = (data: { wallet: { totals: { total: number }[] } }) =>
  data.wallet.totals.reduce((s, t) => s + t.total, 0);

describe("POST /customers/migrate", () => {
  it("creates customers with opening balances and metrics, updates existing ones, and never doubles a resubmitted balance", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    await newCustomer(tenant, "known");
    const body = {
      customers: [
        {
          id: "m-1",
          name: "Grace",
          email: "grace@example.com",
          registration_date: "2020-01-01T00:00:00Z",
          balance: [
            { reward_id: rewardId, amount: 100.5, brand_id: "0001", funded_by: "MARKETING" },
            { reward_id: rewardId, amount: 50, expiration_date: "2099-01-01T00:00:00Z" },
          ],
          metrics: { lifetime: { spend_total: 1234.5, number_of_purchases: 7 } },
        },
        { id: "known", name: "Renamed", country: "MX" },
      ],
    };
    const { queued, job } = await migrate(tenant, "", body);
    expect(queued).toMatchObject({ type: "CUSTOMERS", items: 2 });
    expect(job).toMatchObject({ status: "SUCCEEDED", items: 2, processed: 2, succeeded: 2 });
    expect(job).toMatchObject({ failed: 0, records: 2, duplicates: 0, errors: [] });
    expect(job.started_at && job.finished_at).toBeTruthy();

    const m1 = await customer(tenant, "m-1");
    expect(m1.customer).toMatchObject({
      name: "Grace",
      registration_date: "2020-01-01T00:00:00.000Z",
    });
    expect(m1.customer.metrics.lifetime).toMatchObject({
      spend_total: 1234.5,
      number_of_purchases: 7,
    });
    expect(m1.wallet.totals).toMatchObject([{ reward_id: rewardId, total: 150.5 }]);
    const rows = await ledger(tenant, "m-1");
    expect(rows.map((r) => [r.type, r.amount]).sort()).toEqual([
      ["MIGRATION", 100.5],
      ["MIGRATION", 50],
    ]);
    // No REGISTRATION event: nothing but the opening balance on the ledger, Base tier.
    const tiers = (await tenant.server.get("/tiers")).body.data;
    expect(m1.customer.tier_id).toBe(tiers[0].id);
    expect((await customer(tenant, "known")).customer).toMatchObject({
      name: "Renamed",
      country: "MX",
    });

    const again = await migrate(tenant, "", body);
    expect(again.job).toMatchObject({ status: "SUCCEEDED", succeeded: 2, duplicates: 2 });
    expect(totalOf(await customer(tenant, "m-1"))).toBe(150.5);
    expect(await ledger(tenant, "m-1")).toHaveLength(2);
  });
});

describe("POST /customers/migrate/events", () => {
  it("stores PURCHASEs as RESOLVED without rewards, moves metrics and tier, skips resubmissions, fails unknown customers alone", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const gold = await createTier(ctx.deps, tenant.accountId, {
      name: "Gold",
      level: 2,
      status: "ACTIVE",
      entry_conditions: [
        [
          {
            type: "Customer Spend Total",
            operator: "greater than or equal to",
            primitive: "currency",
            value: 100,
          },
        ],
      ],
      exit_conditions: [],
    });
    const id = await newCustomer(tenant);
    const events = [
      {
        type: "PURCHASE",
        brand_id: "0001",
        order: { purchase_id: "old-1", value: 80 },
        issued_at: "2024-03-01T10:00:00Z",
        resolved_at: "2024-03-01T10:05:00Z",
      },
      { type: "PURCHASE", order: { value: 40.25 }, issued_at: "2024-04-01T10:00:00Z" },
    ];
    const body = {
      customers: [
        { id, events },
        { id: "nobody", events: [events[1]] },
      ],
    };
    const { queued, job } = await migrate(tenant, "/events", body);
    expect(queued).toMatchObject({ type: "EVENTS", items: 2 });
    expect(job).toMatchObject({ status: "PARTIAL", succeeded: 1, failed: 1, records: 3 });
    expect(job.errors).toEqual([
      { item: 1, customer_id: "nobody", code: "NOT_FOUND", details: 'customer "nobody" not found' },
    ]);
    const after = await customer(tenant, id);
    expect(after.wallet.totals).toEqual([]);
    expect(after.customer.metrics.lifetime).toMatchObject({
      spend_total: 120.25,
      number_of_purchases: 2,
      last_visit: "2024-04-01T10:00:00.000Z",
    });
    expect(after.customer.tier_id).toBe(gold.id);

    const again = await migrate(tenant, "/events", { customers: [{ id, events }] });
    expect(again.job).toMatchObject({ status: "SUCCEEDED", duplicates: 2, errors: [] });
    expect((await customer(tenant, id)).customer.metrics.lifetime.number_of_purchases).toBe(2);
  });
});

describe("POST /customers/migrate/transactions", () => {
  it("explains the migrated balance without changing it, reports resubmissions as duplicates, and fails a mismatching customer alone", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const opening = (id: string) => ({ id, balance: [{ reward_id: rewardId, amount: 100 }] });
    await migrate(tenant, "", { customers: [opening("t-ok"), opening("t-bad")] });
    const tx = (amount: number, type: string, day: number) => ({
      brand_id: "0001",
      reward_id: rewardId,
      type,
      amount,
      cost: Math.abs(amount) / 10,
      details: "from the old system",
      issued_at: `2024-01-0${day}T00:00:00Z`,
      event: { type: "PURCHASE", order: { purchase_id: `o-${day}`, value: 10 } },
    });
    const history = [
      tx(150, "ACCUMULATION", 1),
      tx(-30, "REDEMPTION", 2),
      tx(-20, "EXPIRATION", 3),
    ];
    const body = {
      customers: [
        { id: "t-ok", transactions: history },
        { id: "t-bad", transactions: [tx(90, "ACCUMULATION", 1)] },
      ],
    };
    const { job } = await migrate(tenant, "/transactions", body);
    expect(job).toMatchObject({ status: "PARTIAL", succeeded: 1, failed: 1, records: 4 });
    expect(job.errors).toHaveLength(1);
    expect(job.errors[0]).toMatchObject({
      item: 1,
      customer_id: "t-bad",
      code: "RECONCILIATION_MISMATCH",
    });
    expect(job.errors[0]!.details).toMatch(/sum to 90 but the migrated balance is 100/);

    expect(totalOf(await customer(tenant, "t-ok"))).toBe(100);
    const rows = await ledger(tenant, "t-ok");
    expect(rows.map((r) => [r.type, r.amount]).sort()).toEqual(
      [
        ["MIGRATION", 100],
        ["MIGRATION", -100],
        ["ACCUMULATION", 150],
        ["REDEMPTION", -30],
        ["EXPIRATION", -20],
      ].sort(),
    );
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(100);
    // Nothing of the mismatching customer was written.
    expect((await ledger(tenant, "t-bad")).map((r) => r.type)).toEqual(["MIGRATION"]);

    const again = await migrate(tenant, "/transactions", { customers: [body.customers[0]] });
    expect(again.job).toMatchObject({ status: "SUCCEEDED", duplicates: 3, errors: [] });
    expect(await ledger(tenant, "t-ok")).toHaveLength(5);
    // A different history for an already explained balance no longer reconciles.
    const other = await migrate(tenant, "/transactions", {
      customers: [{ id: "t-ok", transactions: [tx(100, "ACCUMULATION", 4)] }],
    });
    expect(other.job).toMatchObject({ status: "FAILED", failed: 1 });
    expect(other.job.errors[0]!.code).toBe("RECONCILIATION_MISMATCH");
    expect(totalOf(await customer(tenant, "t-ok"))).toBe(100);
  });

  it("accepts history that nets to zero for a reward without a migrated balance, rejects any other", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const id = await newCustomer(tenant);
    const tx = (amount: number) => ({
      reward_id: rewardId,
      type: amount > 0 ? "ACCUMULATION" : "REDEMPTION",
      amount,
      issued_at: "2024-01-01T00:00:00Z",
    });
    const ok = await migrate(tenant, "/transactions", {
      customers: [{ id, transactions: [tx(10), tx(-10)] }],
    });
    expect(ok.job.status).toBe("SUCCEEDED");
    const bad = await migrate(tenant, "/transactions", {
      customers: [{ id, transactions: [tx(5)] }],
    });
    expect(bad.job).toMatchObject({ status: "FAILED" });
    expect(bad.job.errors[0]!.details).toMatch(/already migrated/);
    expect(totalOf(await customer(tenant, id))).toBe(0);
  });
});
