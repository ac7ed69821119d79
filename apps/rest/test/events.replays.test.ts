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

const ctx = useTestApp();

describe("purchase replays", () => {
  it("recognise the same payload whatever the key order of its objects", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const id = await newCustomer(tenant);
    const body = purchase(id, 20, { metadata: { a: 1, b: 2 } });
    const first = await tenant.server.post("/behavior/events", body).expect(201);
    const again = await tenant.server.post("/behavior/events", {
      ...body,
      metadata: { b: 2, a: 1 },
    });
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);
  });

  it("answer a retry from its original even after its issued_at left the 72 h window", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const id = await newCustomer(tenant);
    const issuedAt = ctx.clock.now().toISOString();
    const body = purchase(id, 20, { issued_at: issuedAt });
    const first = await tenant.server.post("/behavior/events", body).expect(201);
    ctx.clock.advance(73 * 3600_000);
    try {
      const server = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
      const again = await server.post("/behavior/events", body);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.data.id).toBe(first.body.data.id);
      const fresh = purchase(id, 20, { issued_at: issuedAt });
      expectError(
        await server.post("/behavior/events", fresh),
        400,
        "VALIDATION_FAILED",
        /issued_at/,
      );
    } finally {
      ctx.clock.advance(-73 * 3600_000);
    }
  });
});

describe("event types", () => {
  it("treats event types case-insensitively, for CLIENT checks and campaign triggers alike", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const id = await newCustomer(tenant);
    expectError(
      await tenant.client.post("/behavior/events", { ...purchase(id, 5), type: "purchase" }),
      403,
      "FORBIDDEN",
    );
    const res = await tenant.server
      .post("/behavior/events", { ...purchase(id, 5), type: "purchase" })
      .expect(201);
    expect(res.body.data.type).toBe("PURCHASE");
    expect(res.body.data.result.accumulations[0].reward_id).toBe(rewardId);
    const bad = {
      name: "c",
      attributes: { trigger: "ADD TO CART" },
      rules: [{ effects: [{ reward_id: rewardId, amount: 1 }] }],
      withoutEndDate: true,
    };
    expectError(
      await tenant.server.post("/campaigns?type=BEHAVIOR", bad),
      400,
      "VALIDATION_FAILED",
      /attributes\.trigger/,
    );
  });
});
