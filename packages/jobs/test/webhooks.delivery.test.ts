// Delivery: a failing receiver that recovers gets every delivery exactly once per id, in each
// customer's commit order; a 410 disables; a rotated secret and the old one both sign in grace.
import {
  createCustomer,
  listWebhookDeliveries,
  redeliverFailedWebhooks,
  rotateWebhookSecret,
} from "@tally/service";
import { useTestDatabase } from "@tally/service/testing";
import { sql } from "kysely";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhooks, drainWebhooks } from "../src/index.ts";
import { type Receiver, startReceiver } from "./receiver.ts";
import { webhookAccount } from "./webhook-fixtures.ts";

const t = useTestDatabase();
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const worker = { db: () => t.db, now: () => new Date(), allowPrivate: true, timeoutMs: 2_000 };
const round = () => deliverWebhooks({ ...worker, db: worker.db() });
const drain = () => drainWebhooks({ ...worker, db: worker.db() });
/** Makes every retry due now, as if its backoff had passed. */
const fastForward = (accountId: string) =>
  sql`update webhook_deliveries set next_attempt_at = now() - interval '1 ms'
    where account_id = ${accountId} and status = 'PENDING'`.execute(t.db);

describe("webhook delivery", () => {
  it("500, timeout and connection refused, then recovery: each delivery accepted once, in customer order", async () => {
    const a = await webhookAccount(t.db, null);
    // A receiver of its own, on a port that will be closed for a while.
    const flaky = await startReceiver();
    const { createWebhookSubscription } = await import("@tally/service");
    await createWebhookSubscription(a.deps, a.accountId, { url: flaky.url });
    for (const id of ["c1", "c2"])
      await createCustomer(a.deps, a.accountId, { id, is_anonymous: false } as never);
    for (const value of [1, 2, 3]) {
      await a.purchase("c1", value);
      await a.purchase("c2", value * 10);
    }
    flaky.state.behave = () => 500;
    const started = Date.now();
    expect(await round()).toBe(2); // c1's and c2's first delivery; the rest wait behind them
    const pending = await t.db
      .selectFrom("webhook_deliveries")
      .select(["attempts", "next_attempt_at", "last_status_code", "last_response"])
      .where("account_id", "=", a.accountId)
      .where("attempts", "=", 1)
      .execute();
    expect(pending).toHaveLength(2);
    for (const p of pending) {
      // The first retry comes about 5 s later (±20 % jitter).
      const wait = p.next_attempt_at.getTime() - started;
      expect(wait).toBeGreaterThan(3_900);
      expect(wait).toBeLessThan(6_500);
      expect(p).toMatchObject({ last_status_code: 500, last_response: "answer 500" });
    }
    expect(await round()).toBe(0); // not due yet
    await fastForward(a.accountId);
    flaky.state.behave = () => "timeout";
    expect(await round()).toBe(2);
    await fastForward(a.accountId);
    await flaky.close();
    expect(await round()).toBe(2); // connection refused
    const back = await startReceiver(flaky.port);
    await fastForward(a.accountId);
    await drain();
    const accepted = back.accepted();
    await back.close();
    const ids = accepted.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const events = await t.db
      .selectFrom("webhook_deliveries")
      .select(["id", "status", "attempts", "customer_uuid"])
      .where("account_id", "=", a.accountId)
      .orderBy("seq")
      .execute();
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
    expect(events.every((e) => e.status === "DELIVERED")).toBe(true);
    for (const customer of ["c1", "c2"]) {
      const got = accepted.filter((r) => r.json.data.customer_id === customer).map((r) => r.id);
      const sent = events.filter((e) => got.includes(e.id)).map((e) => e.id);
      expect(got).toEqual(sent); // seq order = commit order
    }
    // The first delivery of each customer took 4 attempts (500, timeout, refused, 200).
    expect(events.filter((e) => e.attempts === 4)).toHaveLength(2);
  });

  it("a 410 fails the delivery and disables the subscription; no more rows are written for it", async () => {
    const a = await webhookAccount(t.db, receiver.url);
    receiver.state.behave = () => 410;
    await createCustomer(a.deps, a.accountId, { id: "gone", is_anonymous: false } as never);
    await drain();
    receiver.state.behave = () => 200;
    const sub = await t.db
      .selectFrom("webhook_subscriptions")
      .selectAll()
      .where("id", "=", a.subscription!.id)
      .executeTakeFirstOrThrow();
    expect(sub).toMatchObject({ enabled: false, disabled_reason: expect.stringContaining("410") });
    const list = await listWebhookDeliveries(a.deps, a.accountId, a.subscription!.id);
    expect(list.items).toEqual([
      expect.objectContaining({ status: "FAILED", last_status_code: 410, attempts: 1 }),
    ]);
    await a.purchase("gone", 10);
    expect(
      (await listWebhookDeliveries(a.deps, a.accountId, a.subscription!.id)).items,
    ).toHaveLength(1);
    // Redelivering failed ones after re-enabling sends the same id again.
    const { updateWebhookSubscription } = await import("@tally/service");
    await updateWebhookSubscription(a.deps, a.accountId, a.subscription!.id, { enabled: true });
    const since = new Date(Date.now() - 60_000);
    expect(await redeliverFailedWebhooks(a.deps, a.accountId, a.subscription!.id, since)).toEqual({
      redelivered: 1,
    });
    const before = receiver.received.length;
    await drain();
    const again = receiver.received.slice(before);
    expect(again.map((r) => r.id)).toEqual([list.items[0]!.id]);
  });

  it("after a rotation, both secrets verify during the grace period; then only the new one", async () => {
    const a = await webhookAccount(t.db, receiver.url);
    const old = a.subscription!.secret;
    const rotated = await rotateWebhookSecret(a.deps, a.accountId, a.subscription!.id, {
      graceMs: 60_000,
    });
    expect(rotated.secret).not.toBe(old);
    expect(rotated.previous_secret_expires_at).not.toBeNull();
    await createCustomer(a.deps, a.accountId, { id: "rot", is_anonymous: false } as never);
    const before = receiver.received.length;
    await drain();
    const [inGrace] = receiver.received.slice(before);
    const headers = inGrace!.headers as Record<string, string>;
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(old).verify(inGrace!.body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(inGrace!.body, headers)).not.toThrow();

    await sql`update webhook_subscriptions set previous_secret_expires_at = now() - interval '1 second'
      where id = ${a.subscription!.id}`.execute(t.db);
    await a.purchase("rot", 5);
    const mark = receiver.received.length;
    await drain();
    const [after] = receiver.received.slice(mark);
    const h2 = after!.headers as Record<string, string>;
    expect(() => new Webhook(rotated.secret).verify(after!.body, h2)).not.toThrow();
    expect(() => new Webhook(old).verify(after!.body, h2)).toThrow();
  });
});
