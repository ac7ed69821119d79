import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerBalanced } from "./helpers.ts";
import { itemOf, PATH, type PreviewFixture, setupPreview } from "./preview-fixtures.ts";

let f: PreviewFixture;
beforeAll(async () => {
  f = await setupPreview();
});
afterEach(async () => {
  await expectLedgerBalanced(f.ctx);
});
afterAll(() => f.ctx.t.destroy());

const cents = fc.integer({ min: 0, max: 20_000 }).map((c) => c / 100);
// Points in the hundreds; DISCOUNT/PRODUCT rewards one or two uses (the wallet holds a few).
const item = (keys: string[]) =>
  fc.constantFrom(...keys).chain((key) =>
    fc.record({
      key: fc.constant(key),
      amount: fc.integer({ min: 1, max: key === "points" ? 300 : 2 }),
    }),
  );
const productArb = fc.record({
  sku: fc.constantFrom("SKU-1", "SKU-2", "SMALL"),
  amount: fc.integer({ min: 1, max: 3 }),
  value: cents,
  redeem: fc.array(item(["points", "pctProduct", "fixedProduct"]), { maxLength: 2 }),
});
const orderArb = fc.record({
  products: fc.array(productArb, { minLength: 1, maxLength: 4 }),
  shipping: fc.option(
    fc.record({
      value: cents,
      redeem: fc.array(item(["points", "pctShipping"]), { maxLength: 1 }),
    }),
    { nil: undefined },
  ),
  redeem: fc.array(item(["points", "fixedOrder", "pctOrder", "add", "replace"]), { maxLength: 2 }),
});

type Order = typeof orderArb extends fc.Arbitrary<infer T> ? T : never;

/** The generated order on the wire: reward keys → ids, a fresh purchase_id. */
function wire(order: Order, n: number) {
  const items = (list: { key: string; amount: number }[]) =>
    list.map((i) => itemOf(f, i.key, i.amount));
  return {
    purchase_id: `prop-${n}`,
    value: Math.round(order.products.reduce((s, p) => s + p.value * 100, 0)) / 100,
    products: order.products.map((p) => ({ ...p, redeem: items(p.redeem) })),
    ...(order.shipping
      ? { shipping: { ...order.shipping, redeem: items(order.shipping.redeem) } }
      : {}),
    redeem: items(order.redeem),
  };
}

const hasError = (o: unknown): boolean => JSON.stringify(o).includes('"error":');

describe("preview and commit share one computation", () => {
  it("for random orders against the evolving wallet, the committed event records what preview showed", async () => {
    let n = 0;
    let committed = 0;
    await fc.assert(
      fc.asyncProperty(orderArb, async (generated) => {
        n += 1;
        const order = wire(generated, n);
        const body = { customer_id: f.customerId, brand_id: "0001", order };
        const before = await f.tenant.server.get(`/customers/${f.customerId}`).expect(200);
        const shown = await f.tenant.server.put(PATH, body).expect(200);
        const res = await f.tenant.server.post("/behavior/events", { ...body, type: "PURCHASE" });
        if (hasError(shown.body.data.order)) {
          // All or nothing: any item error makes the commit a 422 that changes nothing.
          expect(res.status, JSON.stringify(res.body)).toBe(422);
          const after = await f.tenant.server.get(`/customers/${f.customerId}`).expect(200);
          expect(after.body.data.wallet).toEqual(before.body.data.wallet);
          return;
        }
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        committed += 1;
        const result = res.body.data.result;
        expect(result.order).toEqual(shown.body.data.order);
        // Units spent per reward = what the redeemed items consumed, over every entity.
        const consumed = new Map<string, number>();
        const entities = [
          ...(shown.body.data.order.products ?? []),
          shown.body.data.order.shipping,
          shown.body.data.order,
        ];
        const productRewards = [f.ids.add, f.ids.replace];
        for (const e of entities) {
          for (const r of e?.redemptions_result?.redeemed ?? []) {
            // Lines a PRODUCT reward appended or removed echo the order-level item that did it.
            if (productRewards.includes(r.id) && e !== shown.body.data.order) continue;
            consumed.set(r.id, Math.round(((consumed.get(r.id) ?? 0) + r.amount) * 1e8) / 1e8);
          }
        }
        const spent = new Map<string, number>();
        for (const t of result.transactions) {
          if (t.type !== "REDEMPTION") continue;
          spent.set(
            t.reward_id,
            Math.round(((spent.get(t.reward_id) ?? 0) - t.amount) * 1e8) / 1e8,
          );
        }
        for (const [id, units] of consumed) if (units === 0) consumed.delete(id);
        expect(spent).toEqual(consumed);
        // What earning saw is what is charged for the merchandise, to the cent.
        const charged = shown.body.data.order.redemptions_result?.value;
        const shipping = shown.body.data.order.shipping;
        const shippingValue = shipping?.redemptions_result?.value ?? shipping?.value ?? 0;
        if (charged !== undefined) {
          expect(Math.round((result.paid_value + shippingValue) * 100)).toBe(
            Math.round(charged * 100),
          );
        }
      }),
      { numRuns: 30 },
    );
    // The property must have been exercised on commits, not only on refusals.
    expect(committed).toBeGreaterThanOrEqual(5);
  });
});
