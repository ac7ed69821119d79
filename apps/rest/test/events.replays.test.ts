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

describe("input nothing can store is a 400, never a 500", () => {
  it("refuses NUL characters, lone surrogates and absurd nesting wherever they appear", async () => {
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant);
    expectError(
      await tenant.server.post("/customers", { id: "a\u0000b" }),
      400,
      "VALIDATION_FAILED",
      /^id: .*NUL/,
    );
    expectError(
      await tenant.server.post("/customers", { id: "x", metadata: { note: "\ud800" } }),
      400,
      "VALIDATION_FAILED",
      /metadata\.note/,
    );
    expectError(
      await tenant.server.post("/customers", { id: "x", metadata: { list: ["ok", "\ud800"] } }),
      400,
      "VALIDATION_FAILED",
      /^metadata\.list\[1\]: .*surrogate/,
    );
    expectError(
      await tenant.server.post("/customers", { id: "x", metadata: { "k\u0000": 1 } }),
      400,
      "VALIDATION_FAILED",
      /^metadata: a key must not contain NUL/,
    );
    expectError(await tenant.server.get("/customers/c%00x"), 400, "VALIDATION_FAILED", /path/);
    expectError(
      await tenant.server.get("/rewards?from=0&to=9&brand_id=%00"),
      400,
      "VALIDATION_FAILED",
      /query\.brand_id/,
    );
    expectError(await tenant.server.get("/customers/%E0%A4%A"), 400, "VALIDATION_FAILED");
    let deep: unknown = "leaf";
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expectError(
      await tenant.server.patch(`/customers/${id}`, { metadata: deep }),
      400,
      "VALIDATION_FAILED",
      /nested/,
    );
  });

  it("refuses dates outside years 1–9999, counts beyond integer range and amounts beyond a trillion", async () => {
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant);
    expectError(
      await tenant.server.post("/customers", { id: "d", dob: "0000-01-01" }),
      400,
      "VALIDATION_FAILED",
      /dob/,
    );
    expectError(
      await tenant.server.post("/customers", {
        id: "d",
        registration_date: "0000-06-01T00:00:00Z",
      }),
      400,
      "VALIDATION_FAILED",
      /registration_date/,
    );
    const reward = await tenant.server
      .post("/rewards", { name: "P", type: "POINTS", attributes: { conversion_factor: 1 } })
      .expect(201);
    const campaign = {
      name: "c",
      attributes: { trigger: "PURCHASE" },
      rules: [{ effects: [{ reward_id: reward.body.data.id, amount: 1 }] }],
      withoutEndDate: true,
    };
    expectError(
      await tenant.server.post("/campaigns?type=BEHAVIOR", {
        ...campaign,
        quantity: 3_000_000_000,
      }),
      400,
      "VALIDATION_FAILED",
      /quantity/,
    );
    expectError(
      await tenant.server.post("/behavior/events", purchase(id, 1e308)),
      400,
      "VALIDATION_FAILED",
      /order\.value/,
    );
    expectError(
      await tenant.server.get("/rewards?from=0&to=100000000000000000000"),
      400,
      "VALIDATION_FAILED",
      /to/,
    );
  });
});

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

describe("keys and types", () => {
  it("shows a CLIENT key a customer without name, contact data, documents or devices", async () => {
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant, undefined, {
      document_number: "X-1",
      dob: "1990-01-01",
      metadata: { crm: "7" },
    });
    const seen = (await tenant.client.get(`/customers/${id}`).expect(200)).body.data;
    expect(seen.customer).toMatchObject({
      id,
      name: null,
      email: null,
      dob: null,
      document_number: null,
      metadata: {},
    });
    expect(seen.wallet.owner_id).toBeDefined();
    const full = (await tenant.server.get(`/customers/${id}`).expect(200)).body.data.customer;
    expect(full).toMatchObject({
      name: "Ada",
      email: `${id}@example.com`,
      document_number: "X-1",
    });
  });

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

  it("refuses a budget over points that cost nothing", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", { name: "Free", type: "POINTS", attributes: {} })
      .expect(201);
    const body = {
      name: "c",
      attributes: { trigger: "PURCHASE" },
      rules: [{ effects: [{ reward_id: reward.body.data.id, amount: 1 }] }],
      withoutEndDate: true,
      budget: 100,
    };
    expectError(
      await tenant.server.post("/campaigns?type=BEHAVIOR", body),
      400,
      "VALIDATION_FAILED",
      /budget.*conversion_factor/,
    );
  });

  it("lets a campaign start on today's plain date", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", { name: "P", type: "POINTS", attributes: { conversion_factor: 1 } })
      .expect(201);
    const today = ctx.clock.now().toISOString().slice(0, 10);
    const res = await tenant.server.post("/campaigns?type=BEHAVIOR", {
      name: "today",
      attributes: { trigger: "PURCHASE" },
      rules: [{ effects: [{ reward_id: reward.body.data.id, amount: 1 }] }],
      withoutEndDate: true,
      start_date: today,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.status).toBe("RUNNING");
  });
});
