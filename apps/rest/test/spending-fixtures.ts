import { expect } from "vitest";
import {
  client,
  newCustomer,
  newTenant,
  pointsProgram,
  purchase,
  type Tenant,
  type TestContext,
  tokenFor,
} from "./helpers.ts";

export const DAY = 86_400_000;

/** Spending tests' steps on the file's app: wallets with points, time passing, events, totals. */
export function spendingFixtures(ctx: TestContext) {
  /** A tenant whose customer earned `earned` points (1 per unit spent, 0.1 money per point). */
  async function withPoints(earned = 1000, opts: Parameters<typeof pointsProgram>[1] = {}) {
    const tenant = await newTenant(ctx);
    const program = await pointsProgram(tenant, opts);
    const customerId = await newCustomer(tenant);
    if (earned > 0) await emit(tenant, purchase(customerId, earned), 201);
    return { tenant, customerId, ...program };
  }

  /** Moves the clock on and signs the tenant in again (tokens live one hour). */
  async function later(tenant: Tenant, ms: number) {
    ctx.clock.advance(ms);
    tenant.server = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
  }

  async function emit(tenant: Tenant, body: object, status = 201) {
    const res = await tenant.server.post("/behavior/events", body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body.data;
  }

  async function totals(tenant: Tenant, customerId: string, rewardId: string) {
    const res = await tenant.server.get(`/customers/${customerId}`).expect(200);
    const t = res.body.data.wallet.totals.find(
      (x: { reward_id: string }) => x.reward_id === rewardId,
    );
    return {
      total: t?.total ?? 0,
      reserved: t?.reserved ?? 0,
      available: t?.available ?? 0,
      customer: res.body.data.customer,
    };
  }

  async function ledger(tenant: Tenant, customerId: string) {
    const res = await tenant.server.get(`/customers/${customerId}/transactions`).expect(200);
    return res.body.data as { type: string; amount: number; event_id: string }[];
  }

  const redeeming = (
    customerId: string,
    value: number,
    rewardId: string,
    points: number,
    extra = {},
  ) =>
    purchase(customerId, value, {
      order: { redeem: [{ id: rewardId, amount: points }] },
      ...extra,
    });
  return { withPoints, later, emit, totals, ledger, redeeming };
}
