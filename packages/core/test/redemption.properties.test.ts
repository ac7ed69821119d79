import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { D, dec } from "../src/decimal.ts";
import type { RedeemableReward } from "../src/redemption/types.ts";
import { renderRedemptions } from "../src/redemption/wire.ts";
import type { Order, RedeemItem } from "../src/types.ts";
import { reward, run, s } from "./redemption-fixtures.ts";

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
/** A money number built from its decimal string (never from float arithmetic). */
const money = (cents: number, scale = 2) => Number(dec(cents).div(new D(10).pow(scale)).toString());

const FACTORS = [0.01, 0.05, 0.1, 0.125, 0.25, 0.3, 0.07, 1, 2.5];

const arbReward = (n: number): fc.Arbitrary<RedeemableReward> =>
  fc.oneof(
    fc
      .record({ f: fc.constantFrom(...FACTORS), d: fc.integer({ min: 0, max: 2 }) })
      .map(({ f, d }) => reward(id(n), "POINTS", { conversion_factor: f, decimals: d })),
    fc
      .record({
        pct: fc.constantFrom(1, 5, 10, 12.5, 33, 50, 99, 100),
        target: fc.constantFrom("ORDER", "PRODUCT", "SHIPPING"),
      })
      .map(({ pct, target }) =>
        reward(id(n), "DISCOUNT", { discount_type: "PERCENTAGE", value: pct, target }),
      ),
    fc
      .record({
        cents: fc.integer({ min: 1, max: 5000 }),
        target: fc.constantFrom("ORDER", "PRODUCT", "SHIPPING"),
      })
      .map(({ cents, target }) =>
        reward(id(n), "DISCOUNT", { discount_type: "FIXED", value: money(cents), target }),
      ),
    fc.constantFrom(
      reward(id(n), "PRODUCT", { mode: "ADD", sku: "GIFT" }),
      reward(id(n), "PRODUCT", { mode: "REPLACE", sku: "NEW", replaces_sku: "S1" }),
    ),
  );

const arbItems = fc.array(
  fc.record({
    id: fc.integer({ min: 1, max: 6 }).map(id),
    amount: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 400 })),
  }),
  { maxLength: 3 },
);
const arbValue = fc.oneof(
  fc.integer({ min: 0, max: 200_000 }).map((c) => money(c)),
  fc.integer({ min: 0, max: 200_000 }).map((c) => money(c, 3)),
);

const arbCase = fc.record({
  rewards: fc.tuple(...[1, 2, 3, 4, 5, 6].map(arbReward)),
  balances: fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 6, maxLength: 6 }),
  products: fc.array(
    fc.record({
      sku: fc.constantFrom("S1", "S2", "S3"),
      amount: fc.integer({ min: 1, max: 4 }),
      value: arbValue,
      redeem: fc.option(arbItems, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  shipping: fc.option(
    fc.record({ value: arbValue, redeem: fc.option(arbItems, { nil: undefined }) }),
    {
      nil: undefined,
    },
  ),
  redeem: fc.option(arbItems, { nil: undefined }),
});

function cents(x: { decimalPlaces(): number }) {
  expect(x.decimalPlaces()).toBeLessThanOrEqual(2);
}

describe("computeRedemption properties", () => {
  it("charges exactly the lines after discounts plus shipping, and the split sums exactly", () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const order: Order = {
          value: 0,
          products: c.products,
          shipping: c.shipping ?? null,
          redeem: c.redeem ?? null,
        };
        const balances = Object.fromEntries(c.balances.map((b, i) => [id(i + 1), b]));
        const out = run({ order, rewards: c.rewards, balances });
        const live = out.lines.filter((l) => l.action !== "REMOVE");
        const sumCharged = live.reduce((a, l) => a.plus(l.charged), new D(0));
        const sumShares = out.lines.reduce((a, l) => a.plus(l.order_discount), new D(0));
        const sumValues = live.reduce((a, l) => a.plus(l.value), new D(0));
        // (a) the amount to charge, to the cent
        expect(s(out.charged)).toBe(s(sumCharged.plus(out.shipping_value)));
        expect(s(out.order.value)).toBe(s(out.charged));
        expect(s(out.charged)).toBe(
          s(sumValues.minus(out.order_discount).plus(out.shipping_value)),
        );
        expect(renderRedemptions(order, out).products?.length).toBe(out.lines.length);
        // (b) the order-level split
        expect(s(sumShares)).toBe(s(out.order_discount));
        for (const l of out.lines) {
          for (const x of [l.value, l.order_discount, l.charged]) cents(x);
          expect(l.order_discount.gte(0) && l.order_discount.lte(l.value)).toBe(true);
          expect(l.charged.gte(0)).toBe(true);
        }
        cents(out.charged);
        expect(out.order.discount_value.gte(0)).toBe(true);
        // draws equal what the entities consumed and never exceed the balances
        const consumed = new Map<string, InstanceType<typeof D>>();
        const entities = [...out.products, out.shipping, ...(c.redeem ? [out.order] : [])];
        for (const e of entities) {
          for (const r of e?.redeemed ?? []) {
            if (r.error) expect(s(r.amount)).toBe("0");
            else consumed.set(r.id, (consumed.get(r.id) ?? new D(0)).plus(r.amount));
          }
        }
        for (const d of out.draws) {
          expect(s(d.amount)).toBe(s(consumed.get(d.reward_id)));
          expect(d.amount.lte(balances[d.reward_id] ?? 0)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("has no float drift: n points × factor is exact in cents", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<[number, number]>([0.1, 10], [0.01, 1], [0.07, 7], [0.3, 30], [0.05, 5]),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        ([factor, factorCents], n, valueCents) => {
          const f = reward(id(1), "POINTS", { conversion_factor: factor });
          const item: RedeemItem = { id: id(1), amount: n };
          const out = run({
            rewards: [f],
            order: { value: 0, products: [{ value: money(valueCents), redeem: [item] }] },
          });
          const discountCents = Math.min(n * factorCents, valueCents);
          expect(s(out.products[0]?.discount_value)).toBe(s(dec(discountCents).div(100)));
          expect(s(out.charged)).toBe(s(dec(valueCents - discountCents).div(100)));
        },
      ),
    );
  });

  it("consumes only the points needed when capped", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FACTORS),
        fc.integer({ min: 1, max: 100_000 }),
        (factor, valueCents) => {
          const value = dec(valueCents).div(100);
          const f = reward(id(1), "POINTS", { conversion_factor: factor });
          const out = run({
            rewards: [f],
            order: {
              value: 0,
              products: [{ value: money(valueCents), redeem: [{ id: id(1), amount: 10_000_000 }] }],
            },
          });
          const used = out.products[0]?.amount ?? new D(0);
          expect(used.isInteger()).toBe(true);
          expect(used.times(dec(factor)).gte(value)).toBe(true);
          expect(used.minus(1).times(dec(factor)).lt(value)).toBe(true);
          expect(s(out.products[0]?.value)).toBe("0");
          expect(s(out.products[0]?.discount_value)).toBe(s(value));
        },
      ),
    );
  });
});
