import request from "supertest";
import { describe, expect, it } from "vitest";
import {
  API_PREFIX,
  expectError,
  newCustomer,
  newTenant,
  pointsProgram,
  purchase,
  type Tenant,
  useTestApp,
} from "./helpers.ts";
import { useLoggedApp } from "./logged-app.ts";

const ctx = useTestApp();
const logging = useLoggedApp(ctx);

type Sent = (t: Tenant, c: { customerId: string; rewardId: string }) => Promise<request.Response>;

/** A raw body (not JSON.stringify'd) with its content type, as a client might send it. */
const raw = (t: Tenant, path: string, body: string, type = "application/json") =>
  request(logging.app())
    .post(API_PREFIX + path)
    .set("Authorization", `Bearer ${t.server.token}`)
    .set("Content-Type", type)
    .send(body);

const campaign = (rewardId: string, extra: object = {}, effect: object = {}) => ({
  name: "Hostile",
  attributes: { trigger: "PURCHASE" },
  rules: [{ conditions: [], effects: [{ reward_id: rewardId, amount: 1, ...effect }] }],
  withoutEndDate: true,
  ...extra,
});

const soon = (offset: string) => `${new Date().toISOString().slice(0, 19)}${offset}`;

/**
 * Values no column could hold, or that PostgreSQL would refuse: each must be refused by validation
 * with a 400 naming its field, before it reaches the database (which would be a logged 500).
 */
const HOSTILE: [string, Sent, RegExp][] = [
  [
    "a UTC offset beyond ±14:00",
    (t) => t.server.post("/customers", { id: "o", dob: "2000-01-01T00:00:00+20:00" }),
    /^dob: must have a UTC offset between -14:00 and \+14:00$/,
  ],
  [
    "an offset on the registration date",
    (t) => t.server.post("/customers", { id: "o", registration_date: "2020-01-01T00:00:00-15:00" }),
    /^registration_date: must have a UTC offset/,
  ],
  [
    "an offset on an update",
    (t, c) => t.server.patch(`/customers/${c.customerId}`, { dob: "1990-05-01T00:00:00+14:30" }),
    /^dob: must have a UTC offset/,
  ],
  [
    "an offset in a migrated customer",
    (t) =>
      t.server.post("/customers/migrate", {
        customers: [{ id: "m", registration_date: "2019-01-01T00:00:00+16:00" }],
      }),
    /customers\[0\]\.registration_date: must have a UTC offset/,
  ],
  [
    "an offset on an event",
    (t, c) =>
      t.server.post("/behavior/events", purchase(c.customerId, 1, { issued_at: soon("+23:00") })),
    /^issued_at: must have a UTC offset/,
  ],
  [
    "year 0000",
    (t) => t.server.post("/customers", { id: "o", dob: "0000-03-01" }),
    /^dob: must be a real date between years 0001 and 9999$/,
  ],
  [
    "an instant in year 10000",
    (t, c) =>
      t.server.post(`/rewards/${c.rewardId}/gift-cards`, {
        codes: [{ code: "GC-1", expiration_date: "9999-12-31T23:00:00-05:00" }],
      }),
    /^codes\[0\]\.expiration_date: must be a real date between years 0001 and 9999$/,
  ],
  [
    "a ledger day in year 0000",
    (t) => t.server.get("/transactions?date=01-01-0000"),
    /^date: years/,
  ],
  [
    "an order value over 10^12",
    (t, c) => t.server.post("/behavior/events", purchase(c.customerId, 1e13)),
    /^order\.value: /,
  ],
  [
    "an order value with 9 decimals",
    (t, c) => t.server.post("/behavior/events", purchase(c.customerId, 1.123456789)),
    /^order\.value: must have at most 8 decimal places$/,
  ],
  [
    "a number JSON.parse makes Infinity",
    (t, c) =>
      raw(
        t,
        "/behavior/events",
        `{"customer_id":"${c.customerId}","brand_id":"0001","type":"PURCHASE","order":{"value":1e400}}`,
      ),
    /^order\.value: /,
  ],
  [
    "a redeem amount over 10^12",
    (t, c) =>
      t.server.post("/behavior/events", {
        ...purchase(c.customerId, 10),
        redeem: [{ id: c.rewardId, amount: 1e13 }],
      }),
    /^redeem\[0\]\.amount: /,
  ],
  [
    "a reservation over 365 days",
    (t, c) => t.server.post("/behavior/events", purchase(c.customerId, 10, { reserve: 366 })),
    /^reserve: /,
  ],
  [
    "a quantity beyond integer",
    (t, c) => t.server.post("/campaigns?type=COUPONS", campaign(c.rewardId, { quantity: 2 ** 31 })),
    /^quantity: /,
  ],
  [
    "a budget over 10^12",
    (t, c) => t.server.post("/campaigns?type=BEHAVIOR", campaign(c.rewardId, { budget: 1e13 })),
    /^budget: /,
  ],
  [
    "a budget with 9 decimals",
    (t, c) =>
      t.server.post("/campaigns?type=BEHAVIOR", campaign(c.rewardId, { budget: 10.123456789 })),
    /^budget: must have at most 8 decimal places$/,
  ],
  [
    "an effect amount over 10^12",
    (t, c) => t.server.post("/campaigns?type=BEHAVIOR", campaign(c.rewardId, {}, { amount: 1e13 })),
    /^rules\[0\]\.effects\[0\]\.amount: /,
  ],
  [
    "an effect tier that is no id",
    (t, c) =>
      t.server.post("/campaigns?type=BEHAVIOR", campaign(c.rewardId, {}, { tier_id: "gold" })),
    /^rules\[0\]\.effects\[0\]\.tier_id: /,
  ],
  [
    "a FIXED discount worth over 10^12",
    (t) =>
      t.server.post("/rewards", {
        name: "D",
        type: "DISCOUNT",
        attributes: { discount_type: "FIXED", value: 1e308, target: "ORDER" },
      }),
    /^attributes\.value: /,
  ],
  [
    "a gift card worth over 10^12",
    (t) => t.server.post("/rewards", { name: "G", type: "GIFT_CARD", attributes: { value: 1e13 } }),
    /^attributes\.value: /,
  ],
  [
    "a product worth over 10^12",
    (t) =>
      t.server.post("/rewards", {
        name: "P",
        type: "PRODUCT",
        attributes: { mode: "ADD", sku: "S", value: 1e13 },
      }),
    /^attributes\.value: /,
  ],
  [
    "a point worth over 10^12",
    (t) =>
      t.server.post("/rewards", {
        name: "P",
        type: "POINTS",
        attributes: { conversion_factor: 1e13 },
      }),
    /^attributes\.conversion_factor: /,
  ],
  [
    "a NUL character",
    (t) => t.server.post("/rewards", { name: "a\u0000b", type: "POINTS" }),
    /^name: must not contain NUL/,
  ],
  [
    "a lone surrogate",
    (t, c) => t.server.patch(`/customers/${c.customerId}`, { metadata: { note: "\udc00" } }),
    /^metadata\.note: must be valid Unicode/,
  ],
  [
    "a charset JSON is not sent in",
    (t) => raw(t, "/customers", '{"id":"x"}', "application/json; charset=iso-8859-1"),
    /^body: unsupported encoding$/,
  ],
  ["JSON that does not parse", (t) => raw(t, "/customers", '{"id":'), /^body: is not valid JSON$/],
];

describe("hostile input is a 400 from validation, naming its field", () => {
  it.each(HOSTILE)("%s", async (_name, send, details) => {
    const tenant = await logging.tenant();
    const customerId = await newCustomer(tenant);
    const reward = await tenant.server.post("/rewards", {
      name: "Cards",
      type: "GIFT_CARD",
      attributes: { value: 10 },
    });
    const res = await send(tenant, { customerId, rewardId: reward.body.data.id });
    expectError(res, 400, "VALIDATION_FAILED", details);
    // Refused before the database: nothing was logged as an unhandled error.
    expect(logging.logged).toEqual([]);
  });

  it("reads the last day of year 9999 (the next day is past what JavaScript writes plainly)", async () => {
    const tenant = await logging.tenant();
    const res = await tenant.server.get("/transactions?date=31-12-9999");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(logging.logged).toEqual([]);
  });
});

describe("a tracking event's product", () => {
  it("refuses product.redeem (it would be ignored), pointing at where redemptions go", async () => {
    const tenant = await logging.tenant();
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    await tenant.server.post("/behavior/events", purchase(customerId, 50)).expect(201);
    const cart = (redeem?: unknown) => ({
      customer_id: customerId,
      brand_id: "0001",
      type: "ADD_TO_CART",
      product: { sku: "SKU-1", value: 10, ...(redeem === undefined ? {} : { redeem }) },
    });
    for (const who of [tenant.server, tenant.client]) {
      expectError(
        await who.post("/behavior/events", cart([{ id: rewardId, amount: 500 }])),
        400,
        "VALIDATION_FAILED",
        /^product\.redeem: a tracking event's product redeems nothing; put redemptions in order\.products\[\]\.redeem or in the event's top-level redeem$/,
      );
    }
    expect((await tenant.server.post("/behavior/events", cart())).status).toBe(201);
    expect((await tenant.server.post("/behavior/events", cart([]))).status).toBe(201);
    const wallet = await tenant.server.get(`/customers/${customerId}`);
    expect(wallet.body.data.wallet.totals[0].total).toBe(50);
  });
});

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
