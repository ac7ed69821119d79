import { createDirectoryEntry, createServiceToken, deleteDirectoryEntry } from "@tally/service";
import request from "supertest";
import { describe, expect, it } from "vitest";
import {
  API_PREFIX,
  expectError,
  newCustomer,
  newTenant,
  pointsProgram,
  purchase,
  useTestApp,
} from "./helpers.ts";

const ctx = useTestApp();

describe("store_id and channel_id (docs/api-decisions.md#stores-and-channels)", () => {
  it("are unchecked until the account defines stores (channels), then must name one", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const customer = await newCustomer(tenant);
    const at = (store_id: string, channel_id: string) =>
      tenant.server.post(
        "/behavior/events",
        purchase(customer, 10, { order: { store_id, channel_id } }),
      );
    expect((await at("anything", "goes")).status).toBe(201);

    const { accountId } = tenant;
    await createDirectoryEntry(ctx.deps, "stores", { accountId, id: "S1", name: "Main street" });
    expectError(
      await at("anything", "goes"),
      404,
      "NOT_FOUND",
      /^order\.store_id: store "anything" not found$/,
    );
    // Channels are still undefined, so any channel passes.
    expect((await at("S1", "goes")).status).toBe(201);

    await createDirectoryEntry(ctx.deps, "channels", { accountId, id: "web", name: "Web" });
    expectError(
      await at("S1", "goes"),
      404,
      "NOT_FOUND",
      /^order\.channel_id: channel "goes" not found$/,
    );
    expect((await at("S1", "web")).status).toBe(201);

    // A store the ledger names cannot be deleted.
    await expect(
      deleteDirectoryEntry(ctx.deps, "stores", { accountId, id: "S1" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("a coupon redeem names only defined stores", async () => {
    const tenant = await newTenant(ctx);
    const customer = await newCustomer(tenant);
    await createDirectoryEntry(ctx.deps, "stores", {
      accountId: tenant.accountId,
      id: "S1",
      name: "S",
    });
    const res = await tenant.server.post("/coupons/redeem", {
      customer_id: customer,
      code: "NOPE",
      store_id: "S2",
    });
    expectError(res, 404, "NOT_FOUND", /^store_id: store "S2" not found$/);
  });

  it("a service token is no API key of the storefront", async () => {
    const tenant = await newTenant(ctx);
    const { token } = await createServiceToken(ctx.t.db, {
      accountId: tenant.accountId,
      name: "svc",
    });
    const res = await request(ctx.app).get(`${API_PREFIX}/auth/authorize`).set("x-api-key", token);
    expectError(res, 401, "UNAUTHORIZED");
    const bearer = await request(ctx.app)
      .get(`${API_PREFIX}/customers/x`)
      .set("Authorization", `Bearer ${token}`);
    expectError(bearer, 401, "UNAUTHORIZED", /^token is not valid$/);
  });
});
