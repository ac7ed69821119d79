import { describe, expect, it } from "vitest";
import { expectTallyError, useInternalApi } from "./harness.ts";

const h = useInternalApi();
const URL_A = "https://hooks.example.com/tally";

describe("webhooks", () => {
  it("creates a subscription (secret shown once), lists, updates, rotates and deletes it", async () => {
    const { client } = await h.newAccount();
    const created = await client.webhooks.create.mutate({
      url: URL_A,
      events: ["CUSTOMER_ACCUMULATION", "TIER_UPGRADE"],
    });
    expect(created).toMatchObject({ url: URL_A, enabled: true, disabled_reason: null });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const listed = await client.webhooks.list.query({});
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).not.toHaveProperty("secret");

    const updated = await client.webhooks.update.mutate({
      id: created.id,
      enabled: false,
      events: null,
    });
    expect(updated).toMatchObject({ enabled: false, events: null });

    const rotated = await client.webhooks.rotateSecret.mutate({
      id: created.id,
      grace_seconds: 3600,
    });
    expect(rotated.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.previous_secret_expires_at!)).toBeGreaterThan(Date.now() + 3_500_000);

    expect(await client.webhooks.delete.mutate({ id: created.id })).toEqual({ deleted: true });
    expect((await client.webhooks.list.query({})).items).toEqual([]);
    await expectTallyError(client.webhooks.delete.mutate({ id: created.id }), "NOT_FOUND");
  });

  it("refuses http:// and private addresses without the flag, and unknown event names", async () => {
    const { client } = await h.newAccount();
    for (const url of [
      "http://hooks.example.com/",
      "https://127.0.0.1/",
      "https://10.1.2.3/x",
      "https://[::1]/",
      "https://localhost:8443/",
      "https://169.254.169.254/latest",
    ])
      await expectTallyError(client.webhooks.create.mutate({ url }), "VALIDATION_FAILED", /url/);
    await expectTallyError(
      client.webhooks.create.mutate({ url: URL_A, events: ["NOPE" as never] }),
      "VALIDATION_FAILED",
    );
  });

  it("pings, lists deliveries with their outcome, redelivers one and all failed since a time", async () => {
    const { client, accountId } = await h.newAccount();
    const sub = await client.webhooks.create.mutate({ url: URL_A });
    const ping = await client.webhooks.ping.mutate({ id: sub.id });
    expect(ping).toMatchObject({ event: "PING", status: "PENDING", attempts: 0 });
    await expectTallyError(client.webhooks.redeliver.mutate({ id: ping.id }), "CONFLICT");
    // As a worker would leave it after a receiver's 500s for a day.
    await h.t.db
      .updateTable("webhook_deliveries")
      .set({ status: "DEAD", attempts: 29, last_status_code: 500, last_response: "oops" })
      .where("id", "=", ping.id)
      .execute();
    const page = await client.webhooks.deliveries.query({ subscription_id: sub.id });
    expect(page.items).toEqual([
      expect.objectContaining({
        id: ping.id,
        status: "DEAD",
        attempts: 29,
        last_status_code: 500,
        last_response: "oops",
      }),
    ]);
    expect(page.next_cursor).toBeNull();
    const again = await client.webhooks.redeliver.mutate({ id: ping.id });
    expect(again).toMatchObject({ id: ping.id, status: "PENDING", attempts: 0 });
    await h.t.db
      .updateTable("webhook_deliveries")
      .set({ status: "FAILED" })
      .where("account_id", "=", accountId)
      .execute();
    const since = new Date(Date.now() - 60_000).toISOString();
    expect(
      await client.webhooks.redeliverFailed.mutate({ subscription_id: sub.id, since }),
    ).toEqual({ redelivered: 1 });
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      await client.webhooks.redeliverFailed.mutate({ subscription_id: sub.id, since: future }),
    ).toEqual({ redelivered: 0 });
    await client.webhooks.ping.mutate({ id: sub.id });
    const first = await client.webhooks.deliveries.query({ subscription_id: sub.id, limit: 1 });
    expect(first.next_cursor).not.toBeNull();
    const second = await client.webhooks.deliveries.query({
      subscription_id: sub.id,
      limit: 1,
      cursor: first.next_cursor!,
    });
    expect(second.items[0]!.id).toBe(ping.id);
  });

  it("one account never sees or touches another's subscriptions", async () => {
    const a = await h.newAccount();
    const b = await h.newAccount();
    const sub = await a.client.webhooks.create.mutate({ url: URL_A });
    await expectTallyError(b.client.webhooks.ping.mutate({ id: sub.id }), "NOT_FOUND");
    await expectTallyError(
      b.client.webhooks.deliveries.query({ subscription_id: sub.id }),
      "NOT_FOUND",
    );
    await expectTallyError(b.client.webhooks.rotateSecret.mutate({ id: sub.id }), "NOT_FOUND");
    expect((await b.client.webhooks.list.query({})).items).toEqual([]);
  });
});
