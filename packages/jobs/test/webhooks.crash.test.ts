// kill -9 of the process delivering webhooks, mid-batch, then a restart: nothing is lost, and a
// receiver sees a delivery twice only under the same id (PostgreSQL: the worker is a process).
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { createCustomer } from "@tally/service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "./receiver.ts";
import { webhookAccount } from "./webhook-fixtures.ts";

const CHILD = fileURLToPath(new URL("./webhook-child.ts", import.meta.url));
const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)("webhook delivery across a crash (PostgreSQL, kill -9)", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await receiver.close();
    await t.destroy();
  });

  const start = () =>
    spawn(process.execPath, ["--import", "tsx", CHILD], {
      env: { ...process.env, DATABASE_URL: t.url! },
      stdio: "ignore",
    });
  const until = async (what: () => boolean | Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error("timed out waiting");
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it("delivers everything after a restart, duplicates only with the same id, in customer order", async () => {
    const a = await webhookAccount(t.db, receiver.url);
    const customers = Array.from({ length: 8 }, (_, i) => `k${i}`);
    for (const id of customers)
      await createCustomer(a.deps, a.accountId, { id, is_anonymous: false } as never);
    for (const value of [1, 2, 3, 4]) for (const id of customers) await a.purchase(id, value);
    // A slow receiver, so that the kill lands while a batch is in flight.
    receiver.state.delayMs = 150;
    let answered = 0;
    receiver.state.behave = () => {
      answered++;
      return 200;
    };
    child = start();
    await until(() => answered >= 6, 60_000);
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));
    const atKill = receiver.received.length;
    child = start();
    const all = await t.db
      .selectFrom("webhook_deliveries")
      .select(["id", "customer_uuid", "seq"])
      .where("account_id", "=", a.accountId)
      .orderBy("seq")
      .execute();
    expect(all).toHaveLength(8 + 32);
    await until(async () => {
      const left = await t.db
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("account_id", "=", a.accountId)
        .where("status", "!=", "DELIVERED")
        .execute();
      return left.length === 0;
    }, 60_000);
    child.kill("SIGTERM");
    const got = receiver.received.map((r) => r.id);
    expect(new Set(got)).toEqual(new Set(all.map((d) => d.id)));
    expect(got.length).toBeGreaterThanOrEqual(all.length);
    expect(atKill).toBeLessThan(all.length); // the kill came before the end
    // Every copy of an id is the same delivery; each customer's first copies follow seq.
    for (const r of receiver.received)
      expect(receiver.received.filter((x) => x.id === r.id).every((x) => x.body === r.body)).toBe(
        true,
      );
    for (const customer of customers) {
      const firsts = [
        ...new Set(
          receiver.received.filter((r) => r.json.data.customer_id === customer).map((r) => r.id),
        ),
      ];
      const order = all.filter((d) => firsts.includes(d.id)).map((d) => d.id);
      expect(firsts).toEqual(order);
    }
  }, 120_000);
});
