// The story a new operator follows, end to end: the program is set up through the internal API's
// typed client (an operator token, over HTTP), customers earn and spend through REST, and the
// liability report reads the result. Here rather than in apps/internal: an app never imports
// another, and this app hosts both APIs (as `pnpm start` does).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createInternalHandler, INTERNAL_PATH } from "@tally/api";
import { createTallyClient } from "@tally/client";
import { createServiceToken } from "@tally/service";
import { afterAll, beforeAll, expect, it } from "vitest";
import { client, tokenFor, useTestApp } from "./helpers.ts";

const ctx = useTestApp();
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(createInternalHandler({ ...ctx.deps, logger: console }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${INTERNAL_PATH}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it("an operator sets up a program through the typed client, customers earn and spend over REST, the liability report adds up", async () => {
  const { token: operatorToken } = await createServiceToken(ctx.t.db, {
    accountId: null,
    name: "ops",
  });
  const operator = createTallyClient({ url, token: operatorToken });
  const account = await operator.accounts.create.mutate({ name: "Coffee & Co" });
  const account_id = account.id;

  // The program: a brand, a tier ladder, points worth 0.02 each, 1 point per unit spent.
  await operator.brands.create.mutate({ account_id, id: "0001", name: "Coffee & Co" });
  const gold = await operator.tiers.create.mutate({
    account_id,
    name: "Gold",
    level: 2,
    entry_conditions: [
      [
        {
          type: "Customer number of purchases",
          operator: "greater than",
          primitive: "number",
          value: 1,
        },
      ],
    ],
  });
  const points = await operator.rewards.create.mutate({
    account_id,
    name: "Beans",
    type: "POINTS",
    brand_id: "0001",
    attributes: { conversion_factor: "0.02" },
  });
  await operator.campaigns.create.mutate({
    account_id,
    type: "BEHAVIOR",
    name: "A bean per unit",
    brand_id: "0001",
    attributes: { trigger: "PURCHASE" },
    rules: [
      {
        conditions: [],
        effects: [{ reward_id: points.id, amount: "1", calculation: "PER_UNIT_SPENT" }],
      },
    ],
  });
  const key = await operator.apiKeys.create.mutate({ account_id, kind: "SERVER", name: "store" });

  // The storefront: a customer registers, buys twice (rising to Gold) and pays with points.
  const rest = client(ctx.app, await tokenFor(ctx.app, key.key));
  await rest.post("/customers", { id: "ada", email: "ada@example.com" }).expect(201);
  const buy = (n: number, extra: object = {}) => ({
    customer_id: "ada",
    brand_id: "0001",
    type: "PURCHASE",
    order: { purchase_id: `order-${n}`, value: 100, ...extra },
  });
  await rest.post("/behavior/events", buy(1)).expect(201);
  const second = await rest.post("/behavior/events", buy(2)).expect(201);
  expect(second.body.data.result.customer.tier_id).toBe(gold.tier.id);
  // 150 points pay 3.00 of the third order; it earns on the 97 paid.
  const paid = await rest
    .post("/behavior/events", buy(3, { redeem: [{ id: points.id, amount: 150 }] }))
    .expect(201);
  expect(paid.body.data.result.paid_value).toBe(97);

  // The operator's view: the customer's wallet, the audit, and what the program owes.
  const ada = await operator.customers.get.query({ account_id, customer_id: "ada" });
  expect(ada.wallet.totals).toMatchObject([{ reward_id: points.id, total: "147" }]);
  expect(await operator.ledger.audit.query({ account_id })).toEqual({
    healthy: true,
    mismatches: [],
  });
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const report = await operator.ledger.liability.query({ account_id, from: today, to: today });
  expect(report.rewards).toMatchObject([
    { reward_id: points.id, outstanding: "147", conversion_factor: "0.02", value: "2.94" },
  ]);
  expect(report.brands).toEqual([{ brand_id: "0001", value: "2.94" }]);
  expect(report.total_value).toBe("2.94");
  expect(report.days).toEqual([
    {
      date: today,
      reward_id: points.id,
      issued: "297",
      redeemed: "150",
      expired: "0",
      reversed: "0",
    },
  ]);
});
