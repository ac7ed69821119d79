import { describe, expect, it } from "vitest";
import {
  newCustomer,
  newTenant,
  onPostgres,
  pointsProgram,
  purchase,
  useServedApp,
} from "./helpers.ts";

describe.skipIf(!onPostgres)("concurrency on real PostgreSQL", () => {
  const ctx = useServedApp(30);

  const post = (token: string, body: unknown) =>
    fetch(`${ctx.base}/behavior/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("50 concurrent purchases plus 20 concurrent replays of one purchase_id: exact totals, one accrual per purchase", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    const replayed = purchase(customerId, 7);
    const distinct = Array.from({ length: 50 }, (_, i) => purchase(customerId, i + 1));
    const responses = await Promise.all([
      ...distinct.map((b) => post(tenant.server.token, b)),
      ...Array.from({ length: 20 }, () => post(tenant.server.token, replayed)),
    ]);
    const statuses = responses.map((r) => r.status);
    expect(statuses.slice(0, 50).every((s) => s === 201)).toBe(true);
    const replayStatuses = statuses.slice(50).sort();
    expect(replayStatuses.filter((s) => s === 201)).toHaveLength(1);
    expect(replayStatuses.filter((s) => s === 200)).toHaveLength(19);
    const ids = new Set(
      await Promise.all(
        responses
          .slice(50)
          .map(async (r) => ((await r.json()) as { data: { id: string } }).data.id),
      ),
    );
    expect(ids.size).toBe(1);
    const wallet = (await tenant.server.get(`/customers/${customerId}`)).body.data;
    const expected = (50 * 51) / 2 + 7;
    expect(
      wallet.wallet.totals.find((t: { reward_id: string }) => t.reward_id === rewardId).total,
    ).toBe(expected);
    expect(wallet.customer.metrics.lifetime.number_of_purchases).toBe(51);
    const accruals = await ctx.t.db
      .selectFrom("transactions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", tenant.accountId)
      .where("type", "=", "ACCUMULATION")
      .executeTakeFirstOrThrow();
    expect(Number(accruals.n)).toBe(51);
  });

  it("10 identifications of one anonymous customer at once: one succeeds, the rest find it gone", async () => {
    const tenant = await newTenant(ctx);
    await newCustomer(tenant, "anon-race", {
      is_anonymous: true,
      name: undefined,
      email: undefined,
    });
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${ctx.base}/customers/anon-race/identify/anonymous`, {
          method: "PATCH",
          headers: {
            authorization: `Bearer ${tenant.server.token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ new_id: `known-${i}`, name: `Name ${i}` }),
        }),
      ),
    );
    // The others waited for the first: the id they name is gone (404).
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(404)]);
    const winner = responses.findIndex((r) => r.status === 200);
    const read = await fetch(`${ctx.base}/customers/known-${winner}`, {
      headers: { authorization: `Bearer ${tenant.server.token}` },
    });
    expect(
      ((await read.json()) as { data: { customer: { name: string } } }).data.customer.name,
    ).toBe(`Name ${winner}`);
  }, 60_000);

  it("a campaign budget hammered by 40 customers at once is never exceeded", async () => {
    const tenant = await newTenant(ctx);
    // Each purchase of 10 earns 10 points × 0.1 = cost 1; the budget allows 12.
    const { campaignId } = await pointsProgram(tenant, { budget: 12, conversion: 0.1 });
    const customers = await Promise.all(Array.from({ length: 40 }, () => newCustomer(tenant)));
    const responses = await Promise.all(
      customers.map((c) => post(tenant.server.token, purchase(c, 10))),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      data: { result: { accumulations: unknown[] } };
    }[];
    const rewarded = bodies.filter((b) => b.data.result.accumulations.length > 0);
    expect(rewarded).toHaveLength(12);
    const usage = await ctx.t.db
      .selectFrom("campaign_budget_usage")
      .select("used")
      .where("account_id", "=", tenant.accountId)
      .where("campaign_id", "=", campaignId)
      .executeTakeFirstOrThrow();
    expect(Number(usage.used)).toBe(12);
  });

  it("an event that waited for the wallet sees lots of rewards created meanwhile (stale catalog version)", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    // Warm this process's catalog cache at the current version.
    expect((await post(tenant.server.token, purchase(customerId, 5))).status).toBe(201);
    const other = ctx.t.connect(2);
    const customer = await other
      .selectFrom("customers")
      .select(["uuid"])
      .where("account_id", "=", tenant.accountId)
      .where("id", "=", customerId)
      .executeTakeFirstOrThrow();
    const trx = await other.startTransaction().execute();
    const wallet = await trx
      .selectFrom("wallets")
      .select("id")
      .where("account_id", "=", tenant.accountId)
      .where("customer_uuid", "=", customer.uuid)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const pending = post(tenant.server.token, purchase(customerId, 5));
    await new Promise((r) => setTimeout(r, 300));
    // Meanwhile, "another process" creates a reward and credits it to this wallet.
    const rewardId = "01a20000-0000-7000-8000-00000000beef";
    await trx
      .insertInto("rewards")
      .values({
        account_id: tenant.accountId,
        id: rewardId,
        brand_id: null,
        platforms: "null",
        name: "Late",
        description: null,
        type: "POINTS",
        conditions: "[]",
        attributes: '{"conversion_factor":1}',
      })
      .execute();
    const line = {
      account_id: tenant.accountId,
      wallet_id: wallet.id,
      reward_id: rewardId,
      issued_at: new Date(),
    };
    await trx
      .insertInto("wallet_lines")
      .values({
        ...line,
        id: "01a20000-0000-7000-8000-00000000bee1",
        source: "TRANSFER",
        amount: "3",
        remaining: "3",
      })
      .execute();
    await trx
      .insertInto("transactions")
      .values({
        ...line,
        id: "01a20000-0000-7000-8000-00000000bee2",
        customer_uuid: customer.uuid,
        reward_type: "POINTS",
        type: "TRANSFER",
        amount: "3",
        cost: "0",
      })
      .execute();
    await trx.commit().execute();
    const res = await pending;
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      data: { result: { wallet: { totals: { reward_id: string; total: number }[] } } };
    };
    expect(body.data.result.wallet.totals.find((t) => t.reward_id === rewardId)?.total).toBe(3);
  });
});
