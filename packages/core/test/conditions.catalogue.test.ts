import { describe, expect, it } from "vitest";
import { CONDITION_TYPES, compileConditions } from "../src/conditions/index.ts";
import type { Condition, ConditionContext } from "../src/types.ts";
import { cond, ctx, customer, purchase } from "./fixtures.ts";

const holds = (c: Condition, context: ConditionContext = ctx()) =>
  compileConditions([[c]]).evaluate(context).ok;

const line1 = purchase().order!.products![0]!;
const line2 = purchase().order!.products![1]!;

// [type, a condition that holds on the fixtures, one that does not, optional context]
const CASES: [string, Condition, Condition, ConditionContext?][] = [
  [
    "Order Value",
    cond("Order Value", "greater than", "number", 100),
    cond("Order Value", "less than", "number", 100),
  ],
  [
    "Order Discounted Value",
    cond("Order Discounted Value", "equal to", "currency", 100.25),
    cond("Order Discounted Value", "equal to", "currency", 120.5),
  ],
  [
    "Order Products Count",
    cond("Order Products Count", "equal to", "number", 3),
    cond("Order Products Count", "greater than", "number", 3),
  ],
  [
    "Shipping Value",
    cond("Shipping Value", "less than or equal to", "currency", 9.99),
    cond("Shipping Value", "greater than", "currency", 9.99),
  ],
  [
    "Payment Method",
    cond("Payment Method", "equal to", "string", "CARD"),
    cond("Payment Method", "equal to", "string", "CASH"),
  ],
  [
    "Store",
    cond("Store", "is one of", "string", ["store-7", "store-8"]),
    cond("Store", "is not one of", "string", ["store-7", "store-8"]),
  ],
  [
    "Channel",
    cond("Channel", "equal to", "string", "online"),
    cond("Channel", "not equal to", "string", "online"),
  ],
  [
    "Platform",
    cond("Platform", "equal to", "string", "WEB"),
    cond("Platform", "equal to", "string", "APP"),
  ],
  [
    "Product SKU",
    cond("Product SKU", "equal to", "string", "SKU-2"),
    cond("Product SKU", "not equal to", "string", "SKU-1"),
  ],
  [
    "Product Tag",
    cond("Product Tag", "equal to", "string", { key: "color", value: "blue" }),
    cond("Product Tag", "equal to", "string", "color:green"),
  ],
  [
    "Brand",
    cond("Brand", "equal to", "string", "brand-a"),
    cond("Brand", "equal to", "string", "brand-b"),
  ],
  [
    "Product Value",
    cond("Product Value", "equal to", "currency", 60.25),
    cond("Product Value", "greater than", "currency", 60.25),
    ctx({ product: line2 }),
  ],
  [
    "Product Amount",
    cond("Product Amount", "equal to", "number", 2),
    cond("Product Amount", "greater than", "number", 2),
    ctx({ product: line1 }),
  ],
  [
    "Customer Tier",
    cond("Customer Tier", "equal to", "string", "tier-silver"),
    cond("Customer Tier", "equal to", "string", "tier-gold"),
  ],
  [
    "Customer Tag",
    cond("Customer Tag", "equal to", "string", { key: "segment", value: "vip" }),
    cond("Customer Tag", "equal to", "string", "segment:basic"),
  ],
  [
    "Customer number of purchases",
    cond("Customer number of purchases", "greater than or equal to", "number", 12),
    cond("Customer number of purchases", "greater than", "number", 12),
  ],
  [
    "Customer Spend Total",
    cond("Customer Spend Total", "between", "currency", [1000, 2000]),
    cond("Customer Spend Total", "less than", "currency", 1000),
  ],
  [
    "Customer Registration Date",
    cond("Customer Registration Date", "equal to", "relative date", "90/days"),
    cond("Customer Registration Date", "equal to", "relative date", "30/days"),
  ],
  [
    "Customer Birthday",
    cond("Customer Birthday", "equal to", "recurring date", null),
    cond("Customer Birthday", "equal to", "recurring date", "12-25"),
  ],
  [
    "Customer Country",
    cond("Customer Country", "equal to", "string", "MX"),
    cond("Customer Country", "equal to", "string", "US"),
  ],
  [
    "Event Type",
    cond("Event Type", "equal to", "string", "PURCHASE"),
    cond("Event Type", "equal to", "string", "REGISTRATION"),
  ],
  [
    "Event Tag",
    cond("Event Tag", "equal to", "string", { key: "source", value: "newsletter" }),
    cond("Event Tag", "equal to", "string", "source:ads"),
  ],
  [
    "Event Date",
    cond("Event Date", "equal to", "absolute date", "2026-11-18"),
    cond("Event Date", "less than", "absolute date", "2026-11-18"),
  ],
];

describe("condition catalogue", () => {
  it("covers every catalogue type", () => {
    expect(CASES.map((c) => c[0]).sort()).toEqual([...CONDITION_TYPES].sort());
  });

  it.each(CASES)("%s holds and fails on the right facts", (_type, yes, no, context) => {
    expect(holds(yes, context)).toBe(true);
    expect(holds(no, context)).toBe(false);
  });

  it("compares event types ignoring case, as events and triggers do", () => {
    expect(holds(cond("Event Type", "equal to", "string", "purchase"))).toBe(true);
    expect(holds(cond("Event Type", "is one of", "string", ["registration", "Purchase"]))).toBe(
      true,
    );
    expect(holds(cond("Event Type", "not equal to", "string", "purchase"))).toBe(false);
  });

  it("falls back to the order value when there is no discounted value", () => {
    const event = purchase({ order: { value: 50 } });
    expect(holds(cond("Order Discounted Value", "equal to", "currency", 50), ctx({ event }))).toBe(
      true,
    );
  });

  it("counts a product line without amount as one unit", () => {
    const event = purchase({ order: { products: [{ sku: "A" }, { sku: "B", amount: 4 }] } });
    expect(holds(cond("Order Products Count", "equal to", "number", 5), ctx({ event }))).toBe(true);
  });

  it("reads a line's value when it has no discounted value", () => {
    const c = cond("Product Value", "equal to", "currency", 40);
    expect(holds(c, ctx({ product: line1 }))).toBe(true);
  });

  it("treats absent purchase metrics as zero", () => {
    const c = cond("Customer number of purchases", "equal to", "number", 0);
    expect(holds(c, ctx({ customer: customer({ metrics: {} }) }))).toBe(true);
    const s = cond("Customer Spend Total", "equal to", "currency", 0);
    expect(holds(s, ctx({ customer: customer({ metrics: {} }) }))).toBe(true);
  });

  it("matches product tags on any line and honours key-only tags", () => {
    expect(holds(cond("Product Tag", "contains", "string", "size"))).toBe(true);
    expect(holds(cond("Product Tag", "greater than", "number", { key: "size", value: 40 }))).toBe(
      true,
    );
    expect(holds(cond("Product Tag", "does not contain", "string", "size"))).toBe(false);
    expect(holds(cond("Product Tag", "is one of", "string", ["color:green", "color:red"]))).toBe(
      true,
    );
  });

  it("compares tag values as booleans and numbers", () => {
    expect(
      holds(cond("Customer Tag", "equal to", "boolean", { key: "newsletter", value: true })),
    ).toBe(true);
    expect(holds(cond("Customer Tag", "equal to", "boolean", "newsletter:false"))).toBe(false);
    expect(holds(cond("Customer Tag", "greater than", "number", "score:7"))).toBe(true);
    expect(holds(cond("Event Tag", "equal to", "string", "visits:3"))).toBe(true);
    expect(holds(cond("Event Tag", "between", "number", { key: "visits", value: [4, 9] }))).toBe(
      false,
    );
  });
});

describe("missing facts", () => {
  const noEvent = ctx({ event: null });
  const noCustomer = ctx({ customer: null });

  it.each([
    ["no event", cond("Order Value", "greater than", "number", 0), noEvent],
    ["no event, negated", cond("Payment Method", "not equal to", "string", "CASH"), noEvent],
    [
      "no order",
      cond("Order Value", "less than", "number", 1e9),
      ctx({ event: purchase({ order: null }) }),
    ],
    [
      "no order, SKU negated",
      cond("Product SKU", "not equal to", "string", "X"),
      ctx({ event: purchase({ order: null }) }),
    ],
    ["no customer", cond("Customer Tier", "not equal to", "string", "x"), noCustomer],
    [
      "no customer metrics",
      cond("Customer Spend Total", "greater than or equal to", "currency", 0),
      noCustomer,
    ],
    ["no product", cond("Product Value", "greater than", "number", 0), ctx()],
    [
      "no birthday",
      cond("Customer Birthday", "equal to", "recurring date", "today"),
      ctx({ customer: customer({ dob: null }) }),
    ],
    [
      "no shipping",
      cond("Shipping Value", "less than", "number", 100),
      ctx({ event: purchase({ order: { value: 3 } }) }),
    ],
    ["no tag", cond("Event Tag", "not equal to", "string", "x:y"), ctx({ event: null })],
  ])("%s → false", (_name, c, context) => {
    expect(holds(c, context)).toBe(false);
  });
});
