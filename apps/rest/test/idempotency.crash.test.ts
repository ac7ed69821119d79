// A crash at any point leaves an Idempotency-Key either unused or bound to the one committed
// result: the server runs in a child process and is killed (kill -9) mid-request.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { createAccount, createApiKey, createBrand } from "@tally/service";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "./helpers.ts";
import { type MainProcess, startMain, tokenOf } from "./main-process.ts";

describe.skipIf(!onPostgres)("Idempotency-Key across a crash (PostgreSQL, kill -9)", () => {
  let t: TestDatabase;
  let env: Record<string, string>;
  let server: MainProcess | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
    env = { DATABASE_URL: t.url!, JWT_SECRET: randomBytes(32).toString("hex") };
  });
  afterAll(async () => {
    await server?.kill();
    await t.destroy();
  });

  /** A tenant with a VISIT campaign worth 5 points and `customers` customers; its SERVER token. */
  async function visitTenant(base: string, customers: number) {
    const { id: accountId } = await createAccount(t.db, {
      name: `crash-${randomBytes(3).toString("hex")}`,
    });
    const { key } = await createApiKey(t.db, { accountId, kind: "SERVER" });
    await createBrand(t.db, { accountId, id: "0001", name: "Brand" });
    const token = await tokenOf(base, key);
    const call = (path: string, body: unknown, key?: string) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          ...(key ? { "idempotency-key": key } : {}),
        },
        body: JSON.stringify(body),
      });
    const reward = (await (
      await call("/rewards", {
        name: "Points",
        type: "POINTS",
        attributes: { conversion_factor: 0.1 },
      })
    ).json()) as { data: { id: string } };
    const campaign = await call("/campaigns?type=BEHAVIOR", {
      name: "Visits",
      attributes: { trigger: "VISIT" },
      rules: [{ conditions: [], effects: [{ reward_id: reward.data.id, amount: 5 }] }],
      withoutEndDate: true,
    });
    expect(campaign.status).toBe(201);
    const ids = Array.from({ length: customers }, (_, i) => `crash-${i}`);
    for (const id of ids) expect((await call("/customers", { id })).status).toBe(201);
    return { accountId, token, ids, rewardId: reward.data.id };
  }

  const visits = async (accountId: string) =>
    Number(
      (
        await t.db
          .selectFrom("events")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("account_id", "=", accountId)
          .where("type", "=", "VISIT")
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** A minute passes for every claim nobody renews any more (their process is dead). */
  const ageClaims = (accountId: string) =>
    sql`update idempotency_keys set created_at = created_at - interval '2 minutes'
      where account_id = ${accountId}::uuid and status_code is null`.execute(t.db);

  it("a request stopped just before its answer is stored, then killed, runs once when retried", async () => {
    server = await startMain(env);
    const tenant = await visitTenant(server.base, 1);
    const body = JSON.stringify({ customer_id: tenant.ids[0], brand_id: "0001", type: "VISIT" });
    const send = (base: string) =>
      fetch(`${base}/behavior/events`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${tenant.token}`,
          "content-type": "application/json",
          "idempotency-key": "visit-1",
        },
        body,
      });
    // Storing an answer waits on a lock the test holds: the request stops right there.
    await sql`create function hold_answers() returns trigger language plpgsql as $$
      begin perform pg_advisory_xact_lock(4242); return new; end $$`.execute(t.db);
    await sql`create trigger hold_answers before update on idempotency_keys for each row
      when (new.status_code is not null) execute function hold_answers()`.execute(t.db);
    const holder = t.connect(1);
    try {
      await holder.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(4242)`.execute(conn);
        send(server!.base).catch(() => {}); // its answer never comes: the server dies
        let waiting: number | undefined;
        for (let i = 0; i < 500 && !waiting; i++) {
          const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'
              and wait_event = 'advisory'`.execute(conn);
          waiting = rows[0]?.pid;
          if (!waiting) await new Promise((r) => setTimeout(r, 10));
        }
        expect(waiting).toBeDefined();
        await server!.kill();
        // The dead process's connection goes with it.
        await sql`select pg_terminate_backend(${waiting})`.execute(conn);
        await sql`select pg_advisory_unlock(4242)`.execute(conn);
      });
    } finally {
      await holder.destroy();
      await sql`drop trigger hold_answers on idempotency_keys`.execute(t.db);
      await sql`drop function hold_answers()`.execute(t.db);
    }
    server = await startMain(env);
    // The claim is young: the retry is told to wait, and nothing runs.
    expect((await send(server.base)).status).toBe(409);
    await ageClaims(tenant.accountId);
    const retry = await send(server.base);
    expect(retry.status).toBe(201);
    const replay = await send(server.base);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { data: { id: string } }).data.id).toBe(
      ((await retry.json()) as { data: { id: string } }).data.id,
    );
    expect(await visits(tenant.accountId)).toBe(1);
    await server.stop();
    server = undefined;
  }, 120_000);

  it("a request killed right after its commit is replayed at once by its retry", async () => {
    server = await startMain(env);
    const tenant = await visitTenant(server.base, 1);
    const send = (base: string) =>
      fetch(`${base}/behavior/events`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${tenant.token}`,
          "content-type": "application/json",
          "idempotency-key": "visit-2",
        },
        body: JSON.stringify({ customer_id: tenant.ids[0], brand_id: "0001", type: "VISIT" }),
      });
    send(server.base).catch(() => {});
    while ((await visits(tenant.accountId)) === 0) await new Promise((r) => setTimeout(r, 1));
    await server.kill();
    server = await startMain(env);
    const retry = await send(server.base);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await visits(tenant.accountId)).toBe(1);
    await server.stop();
    server = undefined;
  }, 120_000);

  it("kill -9 at random moments of a stream of keyed events: every key ends with exactly one event", async () => {
    server = await startMain(env);
    const tenant = await visitTenant(server.base, 8);
    const keys = Array.from({ length: 240 }, (_, i) => ({
      key: `stream-${i}`,
      body: JSON.stringify({ customer_id: tenant.ids[i % 8], brand_id: "0001", type: "VISIT" }),
    }));
    const answered = new Map<string, string>();
    const sendAll = async (base: string, pending: typeof keys) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < pending.length) {
            const { key, body } = pending[next++]!;
            try {
              const res = await fetch(`${base}/behavior/events`, {
                method: "POST",
                headers: {
                  authorization: `Bearer ${tenant.token}`,
                  "content-type": "application/json",
                  "idempotency-key": key,
                },
                body,
              });
              if (res.status === 201)
                answered.set(key, ((await res.json()) as { data: { id: string } }).data.id);
            } catch {
              // the server died under this request: it is retried after the restart
            }
          }
        }),
      );
    };
    for (let round = 0; round < 3; round++) {
      const pending = keys.filter((k) => !answered.has(k.key));
      const running = sendAll(server.base, pending);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 400));
      await server.kill();
      await running;
      server = await startMain(env);
    }
    for (let attempt = 0; attempt < 5 && answered.size < keys.length; attempt++) {
      await ageClaims(tenant.accountId);
      await sendAll(
        server.base,
        keys.filter((k) => !answered.has(k.key)),
      );
    }
    expect(answered.size).toBe(keys.length);
    expect(new Set(answered.values()).size).toBe(keys.length);
    expect(await visits(tenant.accountId)).toBe(keys.length);
    const total = await t.db
      .selectFrom("transactions")
      .select((eb) => eb.fn.sum<string>("amount").as("sum"))
      .where("account_id", "=", tenant.accountId)
      .executeTakeFirstOrThrow();
    expect(Number(total.sum)).toBe(5 * keys.length);
    await server.stop();
    server = undefined;
  }, 300_000);
});
