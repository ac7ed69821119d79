import { ZEventSchema } from "@tally/schemas";
import { describe, expect, it } from "vitest";
import {
  expectError,
  newCustomer,
  newTenant,
  pointsProgram,
  purchase,
  useTestApp,
} from "./helpers.ts";

const ctx = useTestApp();

const totalOf = async (
  tenant: Awaited<ReturnType<typeof newTenant>>,
  customerId: string,
  rewardId: string,
) => {
  const res = await tenant.server.get(`/customers/${customerId}`);
  expect(res.status).toBe(200);
  return (
    res.body.data.wallet.totals.find((t: { reward_id: string }) => t.reward_id === rewardId)
      ?.total ?? 0
  );
};

describe("POST /behavior/events — earning", () => {
  it("credits points per unit of the paid value synchronously and answers RESOLVED", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId, campaignId } = await pointsProgram(tenant, { perUnit: 2 });
    const customerId = await newCustomer(tenant);
    const res = await tenant.server.post(
      "/behavior/events",
      purchase(customerId, 120.5, { order: { discounted_value: 100.75 } }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const event = ZEventSchema.parse(res.body.data);
    expect(event.status).toBe("RESOLVED");
    expect(event.result!.accumulations).toHaveLength(1);
    // 2 × 100.75 = 201.5, floored to the reward's 0 decimals.
    expect(event.result!.accumulations[0]).toMatchObject({
      amount: 201,
      reward_id: rewardId,
      campaign_id: campaignId,
      brand_id: "0001",
    });
    expect(event.result!.transactions[0]).toMatchObject({
      type: "ACCUMULATION",
      amount: 201,
      cost: 20.1,
      event_type: "PURCHASE",
    });
    expect(event.rewarding_campaigns[0]).toMatchObject({ id: campaignId });
    expect(await totalOf(tenant, customerId, rewardId)).toBe(201);
    const got = await tenant.server.get(`/behavior/events/${event.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data.result.accumulations).toEqual(event.result!.accumulations);
  });

  it("sets the lot's expiry from the effect (12/months) and updates the customer's metrics", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    const res = await tenant.server.post("/behavior/events", purchase(customerId, 50));
    const line = res.body.data.result.accumulations[0];
    const issued = new Date(line.issued_at);
    const expires = new Date(line.expiration_date);
    expect(
      expires.getUTCFullYear() * 12 +
        expires.getUTCMonth() -
        (issued.getUTCFullYear() * 12 + issued.getUTCMonth()),
    ).toBe(12);
    const customer = (await tenant.server.get(`/customers/${customerId}`)).body.data.customer;
    expect(customer.metrics.lifetime).toMatchObject({ spend_total: 50, number_of_purchases: 1 });
  });

  it("replays the same PURCHASE payload as the original event (200) and refuses another payload (409)", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    const body = purchase(customerId, 10);
    const first = await tenant.server.post("/behavior/events", body);
    expect(first.status).toBe(201);
    const again = await tenant.server.post("/behavior/events", body);
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);
    const other = await tenant.server.post("/behavior/events", {
      ...body,
      order: { ...body.order, value: 11 },
    });
    expectError(other, 409, "CONFLICT", /purchase_id/);
    expect(await totalOf(tenant, customerId, rewardId)).toBe(10);
  });

  it("skips a campaign whose budget the event would overrun, and only that campaign", async () => {
    const tenant = await newTenant(ctx);
    const capped = await pointsProgram(tenant, { budget: 5, conversion: 0.1 });
    const open = await pointsProgram(tenant, { conversion: 0.1 });
    const customerId = await newCustomer(tenant);
    // 30 points × 0.1 = 3 of budget 5: fits; the second 30 would make 6: skipped.
    const first = await tenant.server
      .post("/behavior/events", purchase(customerId, 30))
      .expect(201);
    // The budget use a credit records for its reversal stays off the wire (Masivo: attributes
    // {line, campaign_name}), in the event and in the customer's ledger.
    const listed = await tenant.server.get(`/customers/${customerId}/transactions`).expect(200);
    for (const t of [...first.body.data.result.transactions, ...listed.body.data]) {
      expect(Object.keys(t.attributes).sort()).toEqual(["campaign_name", "line"]);
    }
    const second = await tenant.server
      .post("/behavior/events", purchase(customerId, 30))
      .expect(201);
    expect(
      second.body.data.result.accumulations.map((l: { campaign_id: string }) => l.campaign_id),
    ).toEqual([open.campaignId]);
    expect(await totalOf(tenant, customerId, capped.rewardId)).toBe(30);
    expect(await totalOf(tenant, customerId, open.rewardId)).toBe(60);
  });

  it("stores but does not reward events of a customer without behavioral consent", async () => {
    const tenant = await newTenant(ctx);
    const { rewardId } = await pointsProgram(tenant);
    const customerId = await newCustomer(tenant, undefined, {
      consent: { purposes: { behavioral_campaigns: false } },
    });
    const res = await tenant.server.post("/behavior/events", purchase(customerId, 40)).expect(201);
    expect(res.body.data.status).toBe("RESOLVED");
    expect(res.body.data.result.accumulations).toEqual([]);
    expect(await totalOf(tenant, customerId, rewardId)).toBe(0);
  });

  it("validates timing: future issued_at and older than 72 h are 400", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expectError(
      await tenant.server.post("/behavior/events", purchase(customerId, 1, { issued_at: future })),
      400,
      "VALIDATION_FAILED",
      /issued_at/,
    );
    const old = new Date(Date.now() - 73 * 3600_000).toISOString();
    expectError(
      await tenant.server.post("/behavior/events", purchase(customerId, 1, { issued_at: old })),
      400,
      "VALIDATION_FAILED",
      /issued_at/,
    );
  });

  it("names each bad field with 400", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    const cases: [unknown, RegExp][] = [
      [{ brand_id: "0001", type: "PURCHASE", order: { value: 1 } }, /customer_id/],
      [{ customer_id: customerId, type: "PURCHASE", order: { value: 1 } }, /brand_id/],
      [{ customer_id: customerId, brand_id: "0001", order: { value: 1 } }, /type/],
      [purchase(customerId, -1), /order\.value/],
      [{ ...purchase(customerId, 1), order: { value: "12" } }, /order\.value/],
      [
        { ...purchase(customerId, 1), order: { value: 1, payment_method: "BITCOIN" } },
        /order\.payment_method/,
      ],
      [
        { ...purchase(customerId, 1), order: { value: 1, products: [{ sku: "a", value: "x" }] } },
        /order\.products\[0\]\.value/,
      ],
      [{ customer_id: customerId, brand_id: "0001", type: "PURCHASE" }, /order/],
      [purchase(customerId, 1, { issued_at: "yesterday" }), /issued_at/],
    ];
    for (const [body, field] of cases) {
      expectError(
        await tenant.server.post("/behavior/events", body),
        400,
        "VALIDATION_FAILED",
        field,
      );
    }
  });

  it("answers 404 for an unknown customer or brand and for another account's customer", async () => {
    const tenant = await newTenant(ctx);
    const other = await newTenant(ctx);
    const foreign = await newCustomer(other);
    expectError(
      await tenant.server.post("/behavior/events", purchase("nobody", 1)),
      404,
      "NOT_FOUND",
      /customer/,
    );
    expectError(
      await tenant.server.post("/behavior/events", { ...purchase(foreign, 1) }),
      404,
      "NOT_FOUND",
      /customer/,
    );
    const customerId = await newCustomer(tenant);
    expectError(
      await tenant.server.post("/behavior/events", {
        ...purchase(customerId, 1),
        brand_id: "9999",
      }),
      404,
      "NOT_FOUND",
      /brand_id/,
    );
  });

  it("lets CLIENT keys send tracking events but not PURCHASE (403)", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant);
    expectError(
      await tenant.client.post("/behavior/events", purchase(customerId, 1)),
      403,
      "FORBIDDEN",
      /SERVER/,
    );
    const tracked = await tenant.client.post("/behavior/events", {
      customer_id: customerId,
      brand_id: "0001",
      type: "ADD_TO_CART",
      product: { sku: "x", value: 3 },
    });
    expect(tracked.status, JSON.stringify(tracked.body)).toBe(201);
  });

  it("answers a CLIENT key's event with the customer as a CLIENT key reads it (no personal data)", async () => {
    const tenant = await newTenant(ctx);
    const customerId = await newCustomer(tenant, undefined, {
      gender: "FEMALE",
      dob: "1990-05-17",
      document_type: "PASSPORT",
      document_number: "X123",
      metadata: { note: "private" },
      consent: { version: "2.0", purposes: { behavioral_campaigns: true } },
    });
    const event = await tenant.client
      .post("/behavior/events", { customer_id: customerId, brand_id: "0001", type: "PAGE_VIEW" })
      .expect(201);
    const read = await tenant.client.get(`/customers/${customerId}`).expect(200);
    expect(event.body.data.result.customer).toEqual(read.body.data.customer);
    expect(event.body.data.result.customer).toMatchObject({
      email: null,
      gender: null,
      dob: null,
      document_number: null,
      metadata: {},
      consent: null,
    });
    // The SERVER key still sees everything.
    const server = await tenant.server
      .post("/behavior/events", { customer_id: customerId, brand_id: "0001", type: "PAGE_VIEW" })
      .expect(201);
    expect(server.body.data.result.customer).toMatchObject({
      gender: "FEMALE",
      document_number: "X123",
    });
  });

  it("lists the account's ledger of one day with a cursor", async () => {
    const tenant = await newTenant(ctx);
    await pointsProgram(tenant);
    const customerId = await newCustomer(tenant);
    for (let i = 0; i < 3; i++)
      await tenant.server.post("/behavior/events", purchase(customerId, 10 + i)).expect(201);
    const now = new Date();
    const date = `${String(now.getUTCDate()).padStart(2, "0")}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-${now.getUTCFullYear()}`;
    const all = await tenant.server.get(`/transactions?date=${date}`).expect(200);
    expect(all.body.data.map((t: { amount: number }) => t.amount)).toEqual([10, 11, 12]);
    const after = await tenant.server
      .get(`/transactions?date=${date}&cursor=${all.body.data[0].id}`)
      .expect(200);
    expect(after.body.data.map((t: { amount: number }) => t.amount)).toEqual([11, 12]);
    expectError(
      await tenant.server.get("/transactions?date=31-02-2026"),
      400,
      "VALIDATION_FAILED",
      /date/,
    );
    expectError(
      await tenant.server.get("/transactions?date=2026-01-01"),
      400,
      "VALIDATION_FAILED",
      /date/,
    );
  });
});
