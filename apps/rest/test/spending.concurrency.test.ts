import { describe, expect, it } from "vitest";
import {
  newCustomer,
  newTenant,
  onPostgres,
  pointsProgram,
  purchase,
  useServedApp,
} from "./helpers.ts";

describe.skipIf(!onPostgres)("spending concurrency on real PostgreSQL", () => {
  const ctx = useServedApp(40);

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as { data?: { id: string } } };
  };

  async function walletOf(token: string, customerId: string, rewardId: string) {
    const res = await call(token, "GET", `/customers/${customerId}`);
    const data = res.body.data as unknown as {
      wallet: { totals: { reward_id: string; total: number; reserved: number }[] };
    };
    return data.wallet.totals.find((t) => t.reward_id === rewardId);
  }

  it("64 concurrent redemptions against one wallet never spend more than it holds", async () => {
    const tenant = await newTenant(ctx);
    // Nothing is earned back (perUnit 0 would be refused: use a 0-value order instead).
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    await call(tenant.server.token, "POST", "/behavior/events", purchase(customerId, 1000));
    // Each spends 50 points on a 5.00 order (50 × 0.1): charged 0, nothing earned.
    const spend = () =>
      call(tenant.server.token, "POST", "/behavior/events", {
        ...purchase(customerId, 5, { order: { redeem: [{ id: rewardId, amount: 50 }] } }),
      });
    const results = await Promise.all(Array.from({ length: 64 }, spend));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(ok).toHaveLength(20);
    expect(refused).toHaveLength(44);
    expect(
      refused.every((r) => (r.body as { error?: string }).error === "INSUFFICIENT_BALANCE"),
    ).toBe(true);
    const total = await walletOf(tenant.server.token, customerId, rewardId);
    expect(total?.total ?? 0).toBe(0);
  });

  it("concurrent holds against one wallet never reserve more than it holds", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    await call(tenant.server.token, "POST", "/behavior/events", purchase(customerId, 300));
    const hold = () =>
      call(tenant.server.token, "POST", "/behavior/events", {
        ...purchase(customerId, 5, { order: { redeem: [{ id: rewardId, amount: 50 }] } }),
        fulfilled: false,
      });
    const results = await Promise.all(Array.from({ length: 30 }, hold));
    expect(results.filter((r) => r.status === 201)).toHaveLength(6);
    expect(results.filter((r) => r.status === 422)).toHaveLength(24);
    expect(await walletOf(tenant.server.token, customerId, rewardId)).toMatchObject({
      total: 300,
      reserved: 300,
    });
  });

  it("concurrent fulfil and reverse of one PENDING event: each state change once, the rest 409", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    await call(tenant.server.token, "POST", "/behavior/events", purchase(customerId, 500));
    for (let round = 0; round < 5; round++) {
      const pending = await call(tenant.server.token, "POST", "/behavior/events", {
        ...purchase(customerId, 10, { order: { redeem: [{ id: rewardId, amount: 20 }] } }),
        fulfilled: false,
      });
      expect(pending.status).toBe(201);
      const id = pending.body.data!.id;
      const attempts = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? call(tenant.server.token, "PATCH", `/behavior/events/${id}/fulfill`)
          : call(tenant.server.token, "POST", `/behavior/events/${id}/reverse`, { reason: "race" }),
      );
      const results = await Promise.all(attempts);
      // Each state change happens once: one fulfil at most, one reverse at most (a reverse that
      // comes after the fulfil reverses the RESOLVED event), every other call is 409.
      const won = (from: number) => results.filter((r, i) => i % 2 === from && r.status === 200);
      const [fulfils, reverses] = [won(0).length, won(1).length];
      expect(fulfils).toBeLessThanOrEqual(1);
      expect(reverses).toBeLessThanOrEqual(1);
      expect(fulfils + reverses).toBeGreaterThanOrEqual(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(20 - fulfils - reverses);
      const final = await call(tenant.server.token, "GET", `/behavior/events/${id}`);
      const status = (final.body.data as unknown as { status: string }).status;
      expect(status).toBe(reverses === 0 ? "RESOLVED" : fulfils === 1 ? "REVERSED" : "CANCELLED");
    }
    expect(await walletOf(tenant.server.token, customerId, rewardId)).toMatchObject({
      reserved: 0,
    });
  });

  it("concurrent reversals of one RESOLVED event: exactly one REVERSAL set is written", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    await call(tenant.server.token, "POST", "/behavior/events", purchase(customerId, 500));
    const event = await call(
      tenant.server.token,
      "POST",
      "/behavior/events",
      purchase(customerId, 100, { order: { redeem: [{ id: rewardId, amount: 300 }] } }),
    );
    const id = event.body.data!.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(tenant.server.token, "POST", `/behavior/events/${id}/reverse`, {}),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    expect(await walletOf(tenant.server.token, customerId, rewardId)).toMatchObject({ total: 500 });
  });
});
