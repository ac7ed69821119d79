// README "CLIENT keys": a CLIENT key is public (it ships in a browser or app) and its token
// is not bound to one customer, so it reads any customer of the account by id. It sees what a
// storefront shows — points (the wallet), tier, status — and none of the customer's personal
// data, through GET /customers/{id} and in the result of its own events alike.
import { describe, expect, it } from "vitest";
import {
  newCustomer,
  newTenant,
  pointsProgram,
  purchase,
  type Tenant,
  useTestApp,
} from "./helpers.ts";

const ctx = useTestApp();

/** A customer with every personal field filled, devices, tags, consent, metrics and points. */
async function fullCustomer(tenant: Tenant) {
  await ctx.t.db
    .updateTable("accounts")
    .set({ device_token_ttl: 30 })
    .where("id", "=", tenant.accountId)
    .execute();
  await pointsProgram(tenant);
  const id = await newCustomer(tenant, undefined, {
    name: "Ada Lovelace",
    email: "ada@example.com",
    gender: "FEMALE",
    dob: "1990-05-17",
    document_type: "PASSPORT",
    document_number: "X1234567",
    country: "GB",
    platforms: ["ios"],
    tags: { segment: "churn-risk" },
    metadata: { note: "private note" },
    consent: { version: "2.0", purposes: { email_marketing: true } },
    devices: [
      { device_token: "fcm-secret-token", device_info: { platform: "ios", model: "iPhone" } },
    ],
  });
  await tenant.server.post("/behavior/events", purchase(id, 120)).expect(201);
  const full = await tenant.server.get(`/customers/${id}`).expect(200);
  return { id, full: full.body.data };
}

/** Exactly what a CLIENT may see of `customer` (the SERVER's view of it). */
const clientView = (customer: Record<string, unknown>) => ({
  id: customer.id,
  status: "ACTIVE",
  is_anonymous: false,
  registration_date: customer.registration_date,
  tier_id: customer.tier_id,
  name: null,
  email: null,
  gender: null,
  dob: null,
  document_type: null,
  document_number: null,
  country: null,
  platforms: null,
  tags: {},
  consent: null,
  devices: [],
  metrics: {},
  metadata: {},
});

const PERSONAL = [
  "Ada Lovelace",
  "ada@example.com",
  "FEMALE",
  "1990-05-17",
  "PASSPORT",
  "X1234567",
  '"GB"',
  "churn-risk",
  "private note",
  "email_marketing",
  "fcm-secret-token",
  "iPhone",
  "spend_total",
];

describe("what a CLIENT key sees of a customer", () => {
  it("GET /customers/{id}: the wallet, tier, status and registration date; every personal field empty", async () => {
    const tenant = await newTenant(ctx);
    const { id, full } = await fullCustomer(tenant);
    // The SERVER view holds all of it (so the CLIENT view below is a real filter).
    expect(full.customer).toMatchObject({
      name: "Ada Lovelace",
      email: "ada@example.com",
      country: "GB",
      platforms: ["ios"],
      tags: { segment: "churn-risk" },
    });
    expect(full.customer.devices).toHaveLength(1);
    expect(Object.keys(full.customer.metrics).length).toBeGreaterThan(0);
    expect(full.wallet.totals[0].total).toBe(120);

    const read = await tenant.client.get(`/customers/${id}`).expect(200);
    expect(Object.keys(read.body.data).sort()).toEqual(["customer", "wallet"]);
    expect(read.body.data.customer).toStrictEqual(clientView(full.customer));
    expect(read.body.data.wallet).toStrictEqual(full.wallet);
    const text = JSON.stringify(read.body);
    for (const value of PERSONAL) expect(text, value).not.toContain(value);
  });

  it("a CLIENT event's result.customer is the same view; the SERVER's event shows everything", async () => {
    const tenant = await newTenant(ctx);
    const { id, full } = await fullCustomer(tenant);
    const tracking = { customer_id: id, brand_id: "0001", type: "PAGE_VIEW" };
    const event = await tenant.client.post("/behavior/events", tracking).expect(201);
    expect(event.body.data.result.customer).toStrictEqual(clientView(full.customer));
    expect(event.body.data.result.wallet).toStrictEqual(full.wallet);
    const text = JSON.stringify(event.body.data.result);
    for (const value of PERSONAL) expect(text, value).not.toContain(value);

    const server = await tenant.server.post("/behavior/events", tracking).expect(201);
    expect(server.body.data.result.customer).toMatchObject({
      name: "Ada Lovelace",
      document_number: "X1234567",
      tags: { segment: "churn-risk" },
    });
  });
});

describe("personal data", () => {
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
});
