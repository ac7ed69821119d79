import { ZCustomerWithWalletSchema } from "@tally/schemas";
import { describe, expect, it } from "vitest";
import {
  client,
  expectError,
  newCustomer,
  newTenant,
  purchase,
  tokenFor,
  useTestApp,
} from "./helpers.ts";

const ctx = useTestApp();

describe("POST /customers", () => {
  it("registers a customer in the Base tier with an empty wallet (seed shape)", async () => {
    const tenant = await newTenant(ctx);
    const res = await tenant.server.post("/customers", {
      id: "cust-1",
      name: "John Smith",
      email: "jsmith@example.com",
      gender: "MALE",
      dob: "1990-05-17",
      country: "MX",
      tags: { vip: "yes" },
      consent: { version: "2.0", purposes: { behavioral_campaigns: true } },
      quantity: 3,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { customer, wallet } = ZCustomerWithWalletSchema.parse(res.body.data);
    expect(customer).toMatchObject({
      id: "cust-1",
      name: "John Smith",
      status: "ACTIVE",
      is_anonymous: false,
      gender: "MALE",
      tags: { vip: "yes" },
    });
    expect(customer.dob).toBe("1990-05-17T00:00:00.000Z");
    expect(customer.consent).toMatchObject({ version: "2.0", customer_id: "cust-1" });
    const tiers = (await tenant.server.get("/tiers")).body.data;
    expect(customer.tier_id).toBe(tiers.find((t: { level: number }) => t.level === 1).id);
    expect(wallet).toMatchObject({ lines: [], totals: [] });
  });

  it("rewards the REGISTRATION event through a welcome campaign", async () => {
    const tenant = await newTenant(ctx);
    const reward = await tenant.server
      .post("/rewards", { name: "Points", type: "POINTS", attributes: { conversion_factor: 0.05 } })
      .expect(201);
    await tenant.server
      .post("/campaigns?type=BEHAVIOR", {
        name: "Welcome",
        attributes: { trigger: "REGISTRATION" },
        rules: [
          {
            conditions: [],
            effects: [{ reward_id: reward.body.data.id, amount: 100, expiration_date: null }],
          },
        ],
        withoutEndDate: true,
      })
      .expect(201);
    const res = await tenant.server.post("/customers", { id: "welcome-1" }).expect(201);
    expect(res.body.data.wallet.totals[0]).toMatchObject({
      total: 100,
      available: 100,
      reserved: 0,
      expiration_date: null,
    });
  });

  it("refuses a duplicate id or email with 409 and writes nothing", async () => {
    const tenant = await newTenant(ctx);
    await newCustomer(tenant, "dup", { email: "dup@example.com" });
    expectError(await tenant.server.post("/customers", { id: "dup" }), 409, "CONFLICT", /id/);
    expectError(
      await tenant.server.post("/customers", { id: "dup-2", email: "DUP@example.com" }),
      409,
      "CONFLICT",
      /email/,
    );
    expectError(await tenant.server.get("/customers/dup-2"), 404, "NOT_FOUND");
  });

  it("names each bad field with 400", async () => {
    const tenant = await newTenant(ctx);
    const cases: [unknown, RegExp][] = [
      [{}, /^id: is required/],
      [{ id: "" }, /id/],
      [{ id: "x".repeat(200) }, /id/],
      [{ id: "a", email: "not-an-email" }, /email/],
      [{ id: "a", gender: "OTHER" }, /gender/],
      [{ id: "a", dob: "17/05/1990" }, /dob/],
      // Year 0 in UTC, though it reads 0001.
      [{ id: "a", dob: "0001-01-01T00:00:00+01:00" }, /^dob: must be a real date/],
      [{ id: 42 }, /^id: .*expected string, received number$/],
      [{ id: "a", tags: "vip" }, /tags/],
      [{ id: "a", is_anonymous: "yes" }, /^is_anonymous: .*expected boolean, received string$/],
      [
        { id: "a", consent: { purposes: { behavioral_campaigns: "no" } } },
        /consent\.purposes\.behavioral_campaigns/,
      ],
      [{ id: "a", devices: [{ device_info: { platform: "ios" } }] }, /devices\[0\]\.device_token/],
    ];
    for (const [body, field] of cases) {
      expectError(await tenant.server.post("/customers", body), 400, "VALIDATION_FAILED", field);
    }
    expectError(await tenant.server.get("/customers/a"), 404, "NOT_FOUND");
  });
});

describe("customer metrics", () => {
  it("show the periods holding today, though no purchase has rolled them since the month turned", async () => {
    ctx.clock.pin(new Date("2030-01-15T12:00:00.000Z"));
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant);
    await tenant.server.post("/behavior/events", purchase(id, 100)).expect(201);
    ctx.clock.pin(new Date("2030-02-05T12:00:00.000Z"));
    const server = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
    const read = (await server.get(`/customers/${id}`).expect(200)).body.data.customer.metrics;
    expect(read.this_month).toMatchObject({ from: "2030-02-01T00:00:00.000Z", spend_total: 0 });
    expect(read.last_month).toMatchObject({ from: "2030-01-01T00:00:00.000Z", spend_total: 100 });
    expect(read.lifetime).toMatchObject({ spend_total: 100, number_of_purchases: 1 });
    // An event that is no purchase answers them the same way.
    ctx.clock.pin(new Date("2030-03-05T12:00:00.000Z"));
    const later = client(ctx.app, await tokenFor(ctx.app, tenant.serverKey));
    const event = await later
      .post("/behavior/events", { customer_id: id, brand_id: "0001", type: "PAGE_VIEW" })
      .expect(201);
    const shown = event.body.data.result.customer.metrics;
    expect(shown.this_month).toMatchObject({ from: "2030-03-01T00:00:00.000Z", spend_total: 0 });
    expect(shown.last_month).toMatchObject({ from: "2030-02-01T00:00:00.000Z", spend_total: 0 });
    expect(shown.this_year).toMatchObject({ from: "2030-01-01T00:00:00.000Z", spend_total: 100 });
  });
});

describe("customer updates", () => {
  it("PATCH /customers/{id} updates given fields only", async () => {
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant, "upd-1", { country: "MX" });
    const res = await tenant.server
      .patch(`/customers/${id}`, { name: "New Name", tags: { tier: "gold" } })
      .expect(200);
    expect(res.body.data.customer).toMatchObject({
      name: "New Name",
      country: "MX",
      tags: { tier: "gold" },
    });
    expectError(
      await tenant.server.patch(`/customers/${id}`, { gender: "X" }),
      400,
      "VALIDATION_FAILED",
      /gender/,
    );
    expectError(await tenant.server.patch("/customers/ghost", { name: "x" }), 404, "NOT_FOUND");
  });

  it("PATCH /customers/{id}/consent replaces the consent", async () => {
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant);
    const res = await tenant.server
      .patch(`/customers/${id}/consent`, {
        consent: { version: "2.0", purposes: { coupon_campaigns: false } },
      })
      .expect(200);
    expect(res.body.data.consent).toMatchObject({
      version: "2.0",
      purposes: { coupon_campaigns: false },
      customer_id: id,
    });
    expectError(
      await tenant.server.patch(`/customers/${id}/consent`, {}),
      400,
      "VALIDATION_FAILED",
      /consent/,
    );
    expectError(
      await tenant.server.patch("/customers/ghost/consent", { consent: {} }),
      404,
      "NOT_FOUND",
    );
  });

  it("identifies an anonymous customer under a new id, once", async () => {
    const tenant = await newTenant(ctx);
    // An anonymous customer may carry placeholders (Masivo: "placeholder while anonymous").
    const placeholder = await tenant.server
      .post("/customers", { id: "anon-0", is_anonymous: true, name: "Guest" })
      .expect(201);
    expect(placeholder.body.data.customer).toMatchObject({ name: "Guest", is_anonymous: true });
    await newCustomer(tenant, "anon-1", { is_anonymous: true, email: undefined, name: undefined });
    const res = await tenant.server
      .patch("/customers/anon-1/identify/anonymous", {
        new_id: "known-1",
        name: "Grace",
        email: "grace@example.com",
        email_status: "VALID",
      })
      .expect(200);
    expect(res.body.data.customer).toMatchObject({
      id: "known-1",
      is_anonymous: false,
      name: "Grace",
    });
    expectError(await tenant.server.get("/customers/anon-1"), 404, "NOT_FOUND");
    expectError(
      await tenant.server.patch("/customers/known-1/identify/anonymous", { name: "again" }),
      409,
      "CONFLICT",
      /not anonymous/,
    );
  });

  it("registers devices only with marketing automation on, and deletes them", async () => {
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant);
    const device = {
      device_token: "fcm-token-1",
      device_info: { platform: "ios", model: "iPhone", osVersion: "18" },
    };
    expectError(
      await tenant.server.patch(`/customers/${id}/devices`, device),
      400,
      "VALIDATION_FAILED",
      /^devices: marketing automation/,
    );
    // Devices given at creation need it too; nothing is created.
    expectError(
      await tenant.server.post("/customers", { id: "with-device", devices: [device] }),
      400,
      "VALIDATION_FAILED",
      /^devices: marketing automation/,
    );
    expectError(await tenant.server.get("/customers/with-device"), 404, "NOT_FOUND");
    await ctx.t.db
      .updateTable("accounts")
      .set({ device_token_ttl: 30 })
      .where("id", "=", tenant.accountId)
      .execute();
    const res = await tenant.server.patch(`/customers/${id}/devices`, device).expect(200);
    const [stored] = res.body.data.customer.devices;
    expect(stored.device_token).toBe("fcm-token-1");
    expect(new Date(stored.expires_at).getTime() - new Date(stored.created_at).getTime()).toBe(
      30 * 86_400_000,
    );
    await tenant.server.patch(`/customers/${id}/devices`, device).expect(200);
    expect((await tenant.server.get(`/customers/${id}`)).body.data.customer.devices).toHaveLength(
      1,
    );
    const created = await tenant.server
      .post("/customers", { id: "with-device", devices: [device] })
      .expect(201);
    expect(created.body.data.customer.devices[0].expires_at).not.toBeNull();
    expectError(
      await tenant.server.patch(`/customers/${id}/devices`, {
        device_info: { platform: "symbian" },
      }),
      400,
      "VALIDATION_FAILED",
      /device_token/,
    );
    const deleted = await tenant.server.delete(`/customers/${id}/devices`).expect(200);
    expect(deleted.body.data.customer.devices).toEqual([]);
  });

  it("GET /customers/{id}/transactions filters by year and type", async () => {
    const tenant = await newTenant(ctx);
    const id = await newCustomer(tenant);
    const res = await tenant.server
      .get(`/customers/${id}/transactions?type=ACCUMULATION`)
      .expect(200);
    expect(res.body.data).toEqual([]);
    expectError(
      await tenant.server.get(`/customers/${id}/transactions?year=1999`),
      400,
      "VALIDATION_FAILED",
      /year/,
    );
    expectError(
      await tenant.server.get(`/customers/${id}/transactions?type=GIFT`),
      400,
      "VALIDATION_FAILED",
      /type/,
    );
  });
});
