/**
 * Realistic request bodies for the document's examples: one storefront ("Brand one", id 0001)
 * and its customer "cus-1001", as the demo account sets them up.
 */
export const BRAND_ID = "0001";
export const CUSTOMER_ID = "cus-1001";
export const REWARD_ID = "0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b";
export const CAMPAIGN_ID = "0199a1b2-3c4d-7e5f-8a9b-1c2d3e4f5a6b";
export const EVENT_ID = "0199a1b2-3c4d-7e5f-8a9b-2d3e4f5a6b7c";

export const order = {
  purchase_id: "order-2024-0042",
  channel_id: "web",
  store_id: "store-12",
  value: 120.5,
  discounted_value: 110.5,
  payment_method: "CREDIT",
  products: [
    { sku: "SKU-COFFEE-1KG", amount: 2, value: 45, tags: { category: "coffee" } },
    { sku: "SKU-MUG", amount: 1, value: 30.5 },
  ],
  shipping: { value: 10 },
};

export const customer = {
  id: CUSTOMER_ID,
  name: "Ada Lovelace",
  email: "ada@example.com",
  gender: "FEMALE",
  dob: "1990-12-10",
  document_type: "PASSPORT",
  document_number: "X1234567",
  country: "GB",
  tags: { segment: "vip" },
  consent: {
    version: "2.0",
    consent_timestamp: "2024-11-07T05:31:56Z",
    purposes: { behavioral_campaigns: true, coupon_campaigns: true, punchcard_campaigns: true },
  },
};

export const pointsReward = {
  name: "Stars",
  description: "One star per unit spent; each star is worth 0.10 at checkout.",
  brand_id: BRAND_ID,
  type: "POINTS",
  conditions: [],
  attributes: { conversion_factor: 0.1, decimals: 0 },
};

export const behaviorCampaign = {
  name: "Earn on purchase",
  description: "1 star per unit spent on orders over 10, kept for 12 months.",
  brand_id: BRAND_ID,
  attributes: { trigger: "PURCHASE" },
  rules: [
    {
      conditions: [
        [{ type: "Order Value", operator: "greater than", primitive: "currency", value: 10 }],
      ],
      effects: [{ reward_id: REWARD_ID, amount: 1, expiration_date: "12/months" }],
    },
  ],
  start_date: "2025-01-01T00:00:00Z",
  withoutEndDate: true,
  budget: 5000,
  divide_budget_in: "monthly",
  labels: ["loyalty"],
};

export const purchaseEvent = {
  customer_id: CUSTOMER_ID,
  brand_id: BRAND_ID,
  type: "PURCHASE",
  platform: "web",
  order,
};

export const preview = {
  customer_id: CUSTOMER_ID,
  brand_id: BRAND_ID,
  order: {
    ...order,
    redeem: [{ id: REWARD_ID, amount: 50 }],
  },
};

export const migrateCustomers = {
  customers: [
    {
      id: CUSTOMER_ID,
      name: "Ada Lovelace",
      email: "ada@example.com",
      registration_date: "2019-03-01T10:00:00Z",
      balance: [{ reward_id: REWARD_ID, amount: 250, expiration_date: "2026-03-01T00:00:00Z" }],
    },
  ],
};

export const migrateEvents = {
  customers: [
    {
      id: CUSTOMER_ID,
      events: [
        {
          type: "PURCHASE",
          brand_id: BRAND_ID,
          issued_at: "2023-06-15T14:20:00Z",
          order: { purchase_id: "legacy-7781", value: 89.9 },
        },
      ],
    },
  ],
};

export const migrateTransactions = {
  customers: [
    {
      id: CUSTOMER_ID,
      transactions: [
        {
          brand_id: BRAND_ID,
          reward_id: REWARD_ID,
          type: "ACCUMULATION",
          amount: 300,
          cost: 30,
          issued_at: "2023-06-15T14:20:00Z",
          details: "Legacy purchase legacy-7781",
          event: { type: "PURCHASE", order: { purchase_id: "legacy-7781", value: 89.9 } },
        },
        {
          brand_id: BRAND_ID,
          reward_id: REWARD_ID,
          type: "REDEMPTION",
          amount: -50,
          issued_at: "2023-08-02T09:00:00Z",
        },
      ],
    },
  ],
};
