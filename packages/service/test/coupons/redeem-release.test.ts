// The coupon rules on the service itself (no HTTP): a redemption credits the campaign's
// effects and takes one use; reversing it takes the credit back and gives the use back.
import { randomBytes } from "node:crypto";
import { DomainError } from "@tally/core";
import { ZCampaignWriteSchema, ZCouponRedeemSchema } from "@tally/schemas";
import { describe, expect, it } from "vitest";
import { createCampaign, redeemCoupon, reverseCoupon } from "../../src/index.ts";
import {
  balances,
  createCustomers,
  ledgerOf,
  newAccount,
  useTestDatabase,
} from "../../testing/index.ts";

const t = useTestDatabase();
const now = () => new Date();
const deps = () => ({ db: t.db, now });

/** A COUPONS campaign of `quantity` generated codes crediting 100 points; two customers. */
async function couponAccount(extra: object = {}) {
  const { accountId, rewardId } = await newAccount(t.db, now);
  const campaign = await createCampaign(
    deps(),
    accountId,
    "COUPONS",
    ZCampaignWriteSchema.parse({
      name: "Welcome coupon",
      rules: [
        {
          conditions: [],
          effects: [{ reward_id: rewardId, amount: 100, calculation: "FIXED" }],
        },
      ],
      withoutEndDate: true,
      quantity: 2,
      ...extra,
    }),
  );
  const codes = await t.db
    .selectFrom("coupon_codes")
    .select(["code", "uses_count"])
    .where("account_id", "=", accountId)
    .where("campaign_id", "=", campaign.id)
    .orderBy("code")
    .execute();
  const customers = [`c-${randomBytes(4).toString("hex")}`, `c-${randomBytes(4).toString("hex")}`];
  await createCustomers(t.db, accountId, customers);
  return { accountId, codes: codes.map((c) => c.code), customers };
}

const usesOf = async (accountId: string, code: string) =>
  (
    await t.db
      .selectFrom("coupon_codes")
      .select("uses_count")
      .where("account_id", "=", accountId)
      .where("code", "=", code)
      .executeTakeFirstOrThrow()
  ).uses_count;

const redeem = (accountId: string, customerId: string, code: string) =>
  redeemCoupon(deps(), accountId, ZCouponRedeemSchema.parse({ customer_id: customerId, code }));

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe("redeeming a coupon", () => {
  it("credits the campaign's effects (one ACCUMULATION) and takes one use of the code", async () => {
    const a = await couponAccount();
    const [code] = a.codes as [string];
    await redeem(a.accountId, a.customers[0]!, code);
    expect(await balances(t.db, a.accountId)).toEqual({ [a.customers[0]!]: "100" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1 });
    expect(await usesOf(a.accountId, code)).toBe(1);
  });

  it("the same customer cannot redeem a code twice; the refusal writes nothing", async () => {
    const a = await couponAccount();
    const [code] = a.codes as [string];
    await redeem(a.accountId, a.customers[0]!, code);
    expect(await refusal(redeem(a.accountId, a.customers[0]!, code))).toBe(
      "COUPON_ALREADY_REDEEMED",
    );
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1 });
    expect(await usesOf(a.accountId, code)).toBe(1);
  });

  it("an unknown code is refused and writes nothing", async () => {
    const a = await couponAccount();
    expect(await refusal(redeem(a.accountId, a.customers[0]!, "NO-SUCH-CODE"))).toMatch(
      /NOT_FOUND/,
    );
    expect(await ledgerOf(t.db, a.accountId)).toEqual({});
  });
});

describe("reversing a coupon redemption", () => {
  it("takes the credit back (REVERSAL) and gives the use back: the code can be redeemed again", async () => {
    const a = await couponAccount();
    const [code] = a.codes as [string];
    const customer = a.customers[0]!;
    await redeem(a.accountId, customer, code);
    await reverseCoupon(deps(), a.accountId, { customer_id: customer, code });
    expect(await balances(t.db, a.accountId)).toEqual({ [customer]: "0" });
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1, REVERSAL: 1 });
    expect(await usesOf(a.accountId, code)).toBe(0);
    await redeem(a.accountId, customer, code);
    expect(await balances(t.db, a.accountId)).toEqual({ [customer]: "100" });
  });

  it("twice is a conflict, and a customer who never redeemed the code has nothing to reverse", async () => {
    const a = await couponAccount();
    const [code] = a.codes as [string];
    await redeem(a.accountId, a.customers[0]!, code);
    await reverseCoupon(deps(), a.accountId, { customer_id: a.customers[0]!, code });
    expect(
      await refusal(reverseCoupon(deps(), a.accountId, { customer_id: a.customers[0]!, code })),
    ).toBe("CONFLICT");
    expect(
      await refusal(reverseCoupon(deps(), a.accountId, { customer_id: a.customers[1]!, code })),
    ).toMatch(/NOT_FOUND/);
    expect(await ledgerOf(t.db, a.accountId)).toEqual({ ACCUMULATION: 1, REVERSAL: 1 });
  });
});
