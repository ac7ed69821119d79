// Every webhook event reaches a receiver that verifies it with the `standardwebhooks` package,
// with the payload its schema describes; a change that rolls back sends nothing.
import { type TWebhookDeliveryEvent, WEBHOOK_EVENTS, webhookBodySchema } from "@tally/schemas";
import {
  createCustomer,
  demoteTiers,
  expireLines,
  expireReservations,
  fulfilEvent,
  identifyAnonymous,
  pingWebhook,
  redeemCoupon,
  reverseEvent,
} from "@tally/service";
import { enqueue, useTestDatabase } from "@tally/service/testing";
import { sql } from "kysely";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainJobs, drainWebhooks } from "../src/index.ts";
import { type Receiver, startReceiver } from "./receiver.ts";
import { webhookAccount } from "./webhook-fixtures.ts";

const t = useTestDatabase();
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const drain = () => drainWebhooks({ db: t.db, now: () => new Date(), allowPrivate: true });

describe("webhook events", () => {
  it("a verifying receiver gets every event, each body matching its schema, in commit order", async () => {
    const a = await webhookAccount(t.db, receiver.url);
    const { deps, accountId, rewardId } = a;
    const secret = a.subscription!.secret;
    expect(secret).toMatch(/^whsec_/);

    await createCustomer(deps, accountId, { id: "anon", is_anonymous: true } as never);
    await identifyAnonymous(deps, accountId, "anon", { new_id: "ann", name: "Ann" } as never);
    await a.purchase("ann", 1000); // accumulation + tier upgrade
    const spent = await a.purchase("ann", 10, { redeem: [{ id: rewardId, amount: 10 }] });
    await reverseEvent(deps, { accountId, id: spent.event.id, reason: "returned" });
    const held = await a.purchase("ann", 5, {
      fulfilled: false,
      redeem: [{ id: rewardId, amount: 5 }],
    });
    await fulfilEvent(deps, accountId, held.event.id);
    const cancelled = await a.purchase("ann", 5, { fulfilled: false });
    await reverseEvent(deps, { accountId, id: cancelled.event.id });
    const lapsing = await a.purchase("ann", 5, { fulfilled: false });
    await sql`update events set reservation_expires_at = now() - interval '1 second'
      where id = ${lapsing.event.id}`.execute(t.db);
    await expireReservations({ db: t.db, now: new Date() });
    await sql`update wallet_lines set expiration_date = now() - interval '1 second'
      where account_id = ${accountId} and remaining > 0 and amount = 5`.execute(t.db);
    await expireLines({ db: t.db, now: new Date() });
    const code = await t.db
      .selectFrom("coupon_codes")
      .select("code")
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    await redeemCoupon(deps, accountId, { customer_id: "ann", code: code.code } as never);
    // Demotion: the account's period started after its creation, and Ann spends little now.
    await sql`update accounts set created_at = '2020-01-01' where id = ${accountId}`.execute(t.db);
    await sql`update customers set metrics = jsonb_set(metrics, '{lifetime,spend_total}', '10')
      where account_id = ${accountId} and id = 'ann'`.execute(t.db);
    expect((await demoteTiers({ db: t.db, now: new Date(), accountId })).customers).toBe(1);
    await enqueue(t.db, deps.now, accountId, "CUSTOMERS", {
      customers: [{ id: "migrated", balance: [{ reward_id: rewardId, amount: 3 }] }],
    });
    await drainJobs({ db: t.db, now: deps.now });
    await pingWebhook(deps, accountId, a.subscription!.id);

    await drain();
    // The first test of the file: everything the receiver got so far is this account's.
    const mine = [...receiver.received];
    const names = mine.map((r) => r.json.event);
    expect(new Set(names)).toEqual(new Set([...WEBHOOK_EVENTS, "PING"]));
    const verifier = new Webhook(secret);
    for (const r of mine) {
      expect(r.headers["webhook-id"]).toBe(r.json.id);
      expect(() => verifier.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
      const parsed = webhookBodySchema(r.json.event as TWebhookDeliveryEvent).safeParse(r.json);
      expect(parsed.success, `${r.json.event}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    // Ann's deliveries arrive in the order their changes committed.
    const ann = mine.filter((r) => r.json.data.customer_id === "ann").map((r) => r.json.event);
    expect(ann.slice(0, 4)).toEqual([
      "CUSTOMER_ANONYMOUS_TO_REGISTERED",
      "CUSTOMER_ACCUMULATION",
      "TIER_UPGRADE",
      "CUSTOMER_REDEMPTION",
    ]);
    const byName = (n: string) => mine.find((r) => r.json.event === n)!.json.data;
    expect(byName("TIER_UPGRADE").tier).toMatchObject({ to: a.goldId });
    expect(byName("TIER_DOWNGRADE").tier).toMatchObject({ from: a.goldId });
    expect(byName("RESERVATION_CANCELLED").cause).toBe("REVERSED");
    expect(
      mine.filter((r) => r.json.event === "RESERVATION_CANCELLED").map((r) => r.json.data.cause),
    ).toEqual(["REVERSED", "EXPIRED"]);
    const redemption = byName("CUSTOMER_REDEMPTION") as {
      transactions: { type: string; amount: number }[];
    };
    expect(redemption.transactions).toEqual([
      expect.objectContaining({ type: "REDEMPTION", amount: -10 }),
    ]);
    const reversed = byName("REDEMPTION_REVERSED") as {
      transactions: { type: string }[];
      reason: string;
    };
    expect(reversed.reason).toBe("returned");
    expect(reversed.transactions.every((x) => x.type === "REVERSAL")).toBe(true);
    expect(reversed.transactions.length).toBeGreaterThan(0);
    // The wallet is the one after the change: after the first purchase, 1000 points.
    const first = mine.find((r) => r.json.event === "CUSTOMER_ACCUMULATION")!.json.data as {
      wallet: { totals: { total: number }[] };
    };
    expect(first.wallet.totals[0]!.total).toBe(1000);
    expect((byName("MIGRATION_COMPLETED").migration as { status: string }).status).toBe(
      "SUCCEEDED",
    );
    expect(await undelivered(accountId)).toBe(0);
  });

  it("a change that rolls back (a redemption refused for balance) sends nothing", async () => {
    const a = await webhookAccount(t.db, receiver.url);
    await createCustomer(a.deps, a.accountId, { id: "poor", is_anonymous: false } as never);
    await drain();
    const before = await deliveryCount(a.accountId);
    await expect(
      a.purchase("poor", 10, { redeem: [{ id: a.rewardId, amount: 50 }] }),
    ).rejects.toThrow();
    expect(await deliveryCount(a.accountId)).toBe(before);
    await drain();
    expect(
      receiver.received.filter((r) => r.json.data?.customer_id === "poor").map((r) => r.json.event),
    ).toEqual(["CUSTOMER_REGISTRATION"]);
  });

  it("an account without subscriptions writes no delivery rows", async () => {
    const a = await webhookAccount(t.db, null);
    await createCustomer(a.deps, a.accountId, { id: "quiet", is_anonymous: false } as never);
    await a.purchase("quiet", 100);
    expect(await deliveryCount(a.accountId)).toBe(0);
  });

  it("a subscription to some events gets only those", async () => {
    const a = await webhookAccount(t.db, null);
    const { createWebhookSubscription } = await import("@tally/service");
    const only = await createWebhookSubscription(a.deps, a.accountId, {
      url: receiver.url,
      events: ["CUSTOMER_ACCUMULATION"],
    });
    await createCustomer(a.deps, a.accountId, { id: "picky", is_anonymous: false } as never);
    await a.purchase("picky", 100);
    const rows = await t.db
      .selectFrom("webhook_deliveries")
      .select(["event", "subscription_id"])
      .where("account_id", "=", a.accountId)
      .execute();
    expect(rows).toEqual([{ event: "CUSTOMER_ACCUMULATION", subscription_id: only.id }]);
  });
});

async function deliveryCount(accountId: string) {
  const row = await t.db
    .selectFrom("webhook_deliveries")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function undelivered(accountId: string) {
  const row = await t.db
    .selectFrom("webhook_deliveries")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("account_id", "=", accountId)
    .where("status", "!=", "DELIVERED")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
