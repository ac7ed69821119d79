// The gift-card rules on the service itself (no HTTP): an event draws codes from the reward's
// pool in load order, a short pool gives what it has, and reversing returns the codes.
import { randomBytes } from "node:crypto";
import {
  ZCampaignWriteSchema,
  ZCustomerCreateSchema,
  ZEventCreateSchema,
  ZGiftCardPoolAddSchema,
  ZRewardInsertSchema,
} from "@tally/schemas";
import { describe, expect, it } from "vitest";
import {
  addGiftCards,
  createCampaign,
  createCustomer,
  createReward,
  emitEvent,
  listCustomerGiftCards,
  type Principal,
  reverseEvent,
} from "../../src/index.ts";
import { newAccount, useTestDatabase } from "../../testing/index.ts";

const t = useTestDatabase();
const now = () => new Date();
const deps = () => ({ db: t.db, now });

/** An account whose purchases give `perEvent` gift cards from a pool of `codes`; a customer. */
async function giftCardAccount(codes: string[], perEvent: number) {
  const { accountId } = await newAccount(t.db, now);
  const reward = await createReward(
    deps(),
    accountId,
    ZRewardInsertSchema.parse({ name: "Gift card", type: "GIFT_CARD", attributes: { value: 25 } }),
  );
  await addGiftCards(
    deps(),
    accountId,
    reward.id,
    ZGiftCardPoolAddSchema.parse({ codes: codes.map((code) => ({ code })) }),
  );
  await createCampaign(
    deps(),
    accountId,
    "BEHAVIOR",
    ZCampaignWriteSchema.parse({
      name: "Cards on purchase",
      attributes: { trigger: "PURCHASE" },
      rules: [{ conditions: [], effects: [{ reward_id: reward.id, amount: perEvent }] }],
      withoutEndDate: true,
    }),
  );
  const customerId = `c-${randomBytes(4).toString("hex")}`;
  await createCustomer(deps(), accountId, ZCustomerCreateSchema.parse({ id: customerId }));
  const server: Principal = { accountId, keyId: "test", kind: "SERVER" };
  return { accountId, customerId, server };
}

type Account = Awaited<ReturnType<typeof giftCardAccount>>;

const purchase = (a: Account) =>
  emitEvent(
    deps(),
    a.server,
    ZEventCreateSchema.parse({
      customer_id: a.customerId,
      brand_id: "0001",
      type: "PURCHASE",
      order: { purchase_id: `p-${randomBytes(6).toString("hex")}`, value: 10 },
    }),
  );

const cardsOf = async (a: Account) =>
  (await listCustomerGiftCards(deps(), a.accountId, a.customerId)).map((c) => c.code).sort();

describe("gift cards drawn by events", () => {
  it("one code per unit, in load order", async () => {
    const a = await giftCardAccount(["GC-1", "GC-2", "GC-3"], 2);
    await purchase(a);
    expect(await cardsOf(a)).toEqual(["GC-1", "GC-2"]);
  });

  it("a pool short of codes gives what it has, and the event still succeeds", async () => {
    const a = await giftCardAccount(["GC-1"], 2);
    const first = await purchase(a);
    expect(first.event.status).toBe("RESOLVED");
    const second = await purchase(a);
    expect(second.event.status).toBe("RESOLVED");
    expect(await cardsOf(a)).toEqual(["GC-1"]);
  });

  it("reversing the event returns its codes to the pool: the next event draws them again", async () => {
    const a = await giftCardAccount(["GC-1", "GC-2"], 1);
    const { event } = await purchase(a);
    expect(await cardsOf(a)).toEqual(["GC-1"]);
    await reverseEvent(deps(), { accountId: a.accountId, id: event.id });
    expect(await cardsOf(a)).toEqual([]);
    await purchase(a);
    expect(await cardsOf(a)).toEqual(["GC-1"]);
  });
});
