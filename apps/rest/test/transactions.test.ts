import { describe, expect, it } from "vitest";
import {
  client,
  expectError,
  newCustomer,
  newTenant,
  pointsProgram,
  purchase,
  tokenFor,
  useTestApp,
} from "./helpers.ts";

describe("transaction lists: dates and paging parameters", () => {
  const ctx = useTestApp();

  it("GET /customers/{id}/transactions' default window (last 3 months) on May 31 keeps March 1", async () => {
    ctx.clock.pin(new Date("2024-03-01T12:00:00Z"));
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    expect((await tenant.server.post("/behavior/events", purchase(customerId, 10))).status).toBe(
      201,
    );
    // 91 days later: March 1 lies within the last three months (Feb 29 – May 31).
    ctx.clock.pin(new Date("2024-05-31T12:00:00Z"));
    const server = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
    const res = await server.get(`/customers/${customerId}/transactions`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { type: string }) => t.type)).toEqual(["ACCUMULATION"]);
  });

  it("GET /transactions?date=01-01-0099 is not the ledger of 1 January 1999", async () => {
    ctx.clock.pin(new Date("1999-01-01T12:00:00Z"));
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    expect((await tenant.server.post("/behavior/events", purchase(customerId, 10))).status).toBe(
      201,
    );
    const of1999 = await tenant.server.get("/transactions?date=01-01-1999");
    expect(of1999.body.data).toHaveLength(1);
    const res = await tenant.server.get("/transactions?date=01-01-0099");
    // Year 99 has no transactions (or the date is refused): never 1999's rows.
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it("a limit or year not written as a whole number in digits is a 400, as from/to are", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    for (const limit of ["0x10", "1e2", "%207%20", ""]) {
      expectError(
        await tenant.server.get(`/transactions?date=01-01-2026&limit=${limit}`),
        400,
        "VALIDATION_FAILED",
        /limit/,
      );
    }
    expectError(
      await tenant.server.get(`/customers/${customerId}/transactions?year=0x7EA`),
      400,
      "VALIDATION_FAILED",
      /year/,
    );
    const ok = await tenant.server.get(`/customers/${customerId}/transactions?year=2026`);
    expect(ok.status).toBe(200);
  });
});
