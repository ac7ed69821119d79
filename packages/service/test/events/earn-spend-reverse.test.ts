// The event rules on the service itself (no HTTP): what a purchase earns, what a redemption
// spends and holds, and that reversing either gives back exactly what it moved.
import { randomBytes } from "node:crypto";
import { DomainError } from "@tally/core";
import { ZCampaignWriteSchema, ZCustomerCreateSchema, ZEventCreateSchema } from "@tally/schemas";
import { describe, expect, it } from "vitest";
import {
  createCampaign,
  createCustomer,
  emitEvent,
  fulfilEvent,
  type Principal,
  reverseEvent,
} from "../../src/index.ts";
import {
  balances,
  createCustomers,
  grantLine,
  ledgerOf,
  newAccount,
  useTestDatabase,
} from "../../testing/index.ts";

const t = useTestDatabase();
const now = () => new Date();
const deps = () => ({ db: t.db, now });

/** An account earning `perUnit` points per unit spent, and one of its customers. */
async function earningAccount(perUnit = 1, campaign: object = {}) {
  const { accountId, rewardId } = await newAccount(t.db, now);
  const { id: campaignId } = await createCampaign(
    deps(),
    accountId,
    "BEHAVIOR",
    ZCampaignWriteSchema.parse({
      name: "Earn on purchase",
      attributes: { trigger: "PURCHASE" },
      rules: [{ conditions: [], effects: [{ reward_id: rewardId, amount: perUnit }] }],
      withoutEndDate: true,
      ...campaign,
    }),
  );
  const customerId = `c-${randomBytes(4).toString("hex")}`;
  await createCustomer(deps(), accountId, ZCustomerCreateSchema.parse({ id: customerId }));
  const server: Principal = { accountId, keyId: "test", kind: "SERVER" };
  return { accountId, rewardId, campaignId, customerId, server };
}

/** An account without campaigns (nothing is earned) whose customer holds `points`. */
async function spendingAccount(points: string) {
  const { accountId, rewardId } = await newAccount(t.db, now);
  const customerId = `c-${randomBytes(4).toString("hex")}`;
  await createCustomers(t.db, accountId, [customerId]);
  await grantLine(t.db, { accountId, customerId, rewardId, amount: points, expiresAt: null });
  const server: Principal = { accountId, keyId: "test", kind: "SERVER" };
  return { accountId, rewardId, customerId, server };
}

type Account = Awaited<ReturnType<typeof spendingAccount>>;

const purchase = (a: Account, value: number, extra: object = {}, order: object = {}) =>
  ZEventCreateSchema.parse({
    customer_id: a.customerId,
    brand_id: "0001",
    type: "PURCHASE",
    order: { purchase_id: `p-${randomBytes(6).toString("hex")}`, value, ...order },
    ...extra,
  });

/** A purchase of `value` that redeems `amount` points of the account's reward. */
const redeeming = (a: Account, value: number, amount: number, extra: object = {}) =>
  purchase(a, value, extra, { redeem: [{ id: a.rewardId, amount }] });

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("earning", () => {
  it("credits the campaign's amount per unit spent as one lot with one ACCUMULATION", async () => {
    const a = await earningAccount(2);
    const { status, event } = await emitEvent(deps(), a.server, purchase(a, 12.5));
    expect(status).toBe(201);
    expect(event.status).toBe("RESOLVED");
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "25" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1 });
  });

  it("the same purchase twice is the original answered again (200), credited once", async () => {
    const a = await earningAccount();
    const body = purchase(a, 10);
    const first = await emitEvent(deps(), a.server, body);
    const again = await emitEvent(deps(), a.server, body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.event.id).toBe(first.event.id);
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "10" });
  });

  it("the same purchase_id with another payload is a conflict and writes nothing", async () => {
    const a = await earningAccount();
    const body = purchase(a, 10);
    await emitEvent(deps(), a.server, body);
    const changed = { ...body, order: { ...body.order!, value: 11 } };
    expect((await refusal(emitEvent(deps(), a.server, changed))).code).toBe("CONFLICT");
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1 });
  });

  it("a campaign budget is never exceeded: a credit that would go past it is not given", async () => {
    // conversion 0.1: a budget of 1.5 (currency) is 15 points.
    const a = await earningAccount(1, { budget: 1.5 });
    await emitEvent(deps(), a.server, purchase(a, 10));
    const second = await emitEvent(deps(), a.server, purchase(a, 10));
    expect(second.event.status).toBe("RESOLVED");
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "10" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1 });
  });

  it("a CLIENT key may not send a purchase", async () => {
    const a = await earningAccount();
    const client: Principal = { ...a.server, kind: "CLIENT" };
    expect((await refusal(emitEvent(deps(), client, purchase(a, 10)))).code).toBe("FORBIDDEN");
    expect(await ledgerOf(t.db, a.accountId)).toEqual({});
  });
});

describe("spending", () => {
  it("a purchase that redeems earns on what was paid: its value less the points' worth", async () => {
    const a = await earningAccount();
    await emitEvent(deps(), a.server, purchase(a, 30));
    // 20 points at conversion 0.1 pay 2 of the 10: 8 is earned.
    await emitEvent(deps(), a.server, redeeming(a, 10, 20));
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "18" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 2, REDEMPTION: 1 });
  });

  it("redeeming more than the wallet holds is refused whole: nothing earned, nothing spent", async () => {
    const a = await earningAccount();
    await emitEvent(deps(), a.server, purchase(a, 5));
    const error = await refusal(emitEvent(deps(), a.server, redeeming(a, 10, 6)));
    expect(error.code).toBe("INSUFFICIENT_BALANCE");
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "5" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1 });
  });

  it("an unfulfilled redemption holds the units from later spends; fulfilling spends exactly them", async () => {
    const a = await spendingAccount("10");
    const held = await emitEvent(deps(), a.server, redeeming(a, 100, 4, { fulfilled: false }));
    expect(held.event.status).toBe("PENDING");
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ MIGRATION: 1 });
    // 10 in the lot, 4 of them held: 7 cannot be spent.
    const over = await refusal(emitEvent(deps(), a.server, redeeming(a, 100, 7)));
    expect(over.code).toBe("INSUFFICIENT_BALANCE");
    const done = await fulfilEvent(deps(), a.accountId, held.event.id);
    expect(done.status).toBe("RESOLVED");
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "6" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ MIGRATION: 1, REDEMPTION: 1 });
  });
});

describe("reversing", () => {
  it("a RESOLVED purchase: its credit and its redemption undone by REVERSAL rows", async () => {
    const a = await earningAccount();
    await emitEvent(deps(), a.server, purchase(a, 10));
    // Pays 8 - 0.6: earns 7 (floored), spends 6.
    const { event } = await emitEvent(deps(), a.server, redeeming(a, 8, 6));
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "11" });
    const reversed = await reverseEvent(deps(), { accountId: a.accountId, id: event.id });
    expect(reversed.status).toBe("REVERSED");
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "10" });
    expect(await ledgerOf(t.db, a.accountId)).toMatchObject({ ACCUMULATION: 2, REDEMPTION: 1 });
    expect((await ledgerOf(t.db, a.accountId)).REVERSAL).toBeGreaterThanOrEqual(2);
  });

  it("a PENDING event is cancelled and its hold released, without REVERSAL rows", async () => {
    const a = await spendingAccount("10");
    const held = await emitEvent(deps(), a.server, redeeming(a, 100, 10, { fulfilled: false }));
    const cancelled = await reverseEvent(deps(), { accountId: a.accountId, id: held.event.id });
    expect(cancelled.status).toBe("CANCELLED");
    // The released units can be spent again, all of them.
    await emitEvent(deps(), a.server, redeeming(a, 100, 10));
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "0" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ MIGRATION: 1, REDEMPTION: 1 });
  });

  it("twice is a conflict: the second reversal moves nothing", async () => {
    const a = await earningAccount();
    const { event } = await emitEvent(deps(), a.server, purchase(a, 10));
    await reverseEvent(deps(), { accountId: a.accountId, id: event.id });
    const again = await refusal(reverseEvent(deps(), { accountId: a.accountId, id: event.id }));
    expect(again.code).toBe("CONFLICT");
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customerId]: "0" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1, REVERSAL: 1 });
  });
});
