import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import {
  beginIdempotent,
  completeIdempotent,
  createAccount,
  renewIdempotent,
  sweepIdempotencyKeys,
} from "../../src/index.ts";
import { useTestDatabase } from "../../testing/index.ts";

// Separate connections only race on real PostgreSQL.
const onPostgres = Boolean(process.env.DATABASE_URL);

const t = useTestDatabase();

const HOUR = 3600_000;
const NOW = new Date("2026-12-07T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** Claims `key` at `at` as a request would; with `status`, stores that answer too. */
async function useKey(accountId: string, key: string, at: Date, status?: number) {
  const deps = { db: t.db, now: () => at };
  const start = await beginIdempotent(deps, accountId, key, `hash-${key}`);
  if (start.kind !== "new") throw new Error(`${key} was not new`);
  if (status) await completeIdempotent(deps, start.claim, status, { key });
}

const keysOf = async (accountId: string) =>
  (
    await t.db
      .selectFrom("idempotency_keys")
      .select("key")
      .where("account_id", "=", accountId)
      .orderBy("key")
      .execute()
  ).map((r) => r.key);

describe("sweepIdempotencyKeys", () => {
  it("deletes keys older than 24 hours, of every account, and keeps fresh and running ones", async () => {
    const a = (await createAccount(t.db, { name: "sweep-a" })).id;
    const b = (await createAccount(t.db, { name: "sweep-b" })).id;
    await useKey(a, "old-answered", ago(25 * HOUR), 201);
    await useKey(a, "old-refused", ago(48 * HOUR), 409);
    await useKey(a, "just-past", ago(24 * HOUR + 1000), 201);
    await useKey(b, "old-other-account", ago(30 * HOUR), 200);
    // A claim nobody renewed (its process died) a day ago is as old as its last renewal.
    await useKey(b, "old-abandoned", ago(26 * HOUR));
    await useKey(a, "fresh", ago(HOUR), 201);
    await useKey(a, "just-inside", ago(24 * HOUR - 1000), 201);
    // A request claimed 25 hours ago and still running renews its claim every 15 s.
    await useKey(a, "running", ago(25 * HOUR));
    await renewIdempotent({ db: t.db, now: () => ago(5000) }, a, "running");

    // Batches of 2: five old rows take three statements.
    expect(await sweepIdempotencyKeys({ db: t.db, now: NOW, batchSize: 2 })).toEqual({ keys: 5 });
    expect(await keysOf(a)).toEqual(["fresh", "just-inside", "running"]);
    expect(await keysOf(b)).toEqual([]);
    expect(await sweepIdempotencyKeys({ db: t.db, now: NOW })).toEqual({ keys: 0 });

    // A swept key is free: another request with it runs instead of getting 409.
    const again = await beginIdempotent({ db: t.db, now: () => NOW }, a, "old-answered", "other");
    expect(again.kind).toBe("new");
    // The running request's claim still refuses a second request with its key.
    await expect(
      beginIdempotent({ db: t.db, now: () => NOW }, a, "running", "hash-running"),
    ).rejects.toThrow("still being processed");
  });
});

describe.skipIf(!onPostgres)("sweepIdempotencyKeys on real PostgreSQL", () => {
  it("concurrent sweeps delete every old key once, beside requests renewing theirs", async () => {
    const a = (await createAccount(t.db, { name: "sweep-concurrent" })).id;
    const old = ago(25 * HOUR);
    await sql`insert into idempotency_keys (account_id, key, request_hash, status_code, created_at)
      select ${a}, 'k-' || i, 'h', 201, ${old} from generate_series(1, 3000) as i`.execute(t.db);
    await sql`insert into idempotency_keys (account_id, key, request_hash, status_code, created_at)
      select ${a}, 'r-' || i, 'h', null, ${old} from generate_series(1, 50) as i`.execute(t.db);
    const pools = [t.connect(2), t.connect(2), t.connect(2)];
    const renewing = pools[2]!;
    const [first, second] = await Promise.all([
      sweepIdempotencyKeys({ db: pools[0]!, now: NOW, batchSize: 100 }),
      sweepIdempotencyKeys({ db: pools[1]!, now: NOW, batchSize: 100 }),
      // Running requests renew their claims while the sweeps go.
      (async () => {
        for (let i = 1; i <= 50; i++)
          await renewIdempotent({ db: renewing, now: () => ago(1000) }, a, `r-${i}`);
      })(),
    ]);
    const left = await keysOf(a);
    expect(left.filter((k) => k.startsWith("k-"))).toEqual([]);
    // A claim is deleted only if the sweep reached it before its renewal; none is lost twice.
    const renewedLeft = left.filter((k) => k.startsWith("r-")).length;
    expect(first!.keys + second!.keys).toBe(3000 + 50 - renewedLeft);
    const stale = await t.db
      .selectFrom("idempotency_keys")
      .select("key")
      .where("account_id", "=", a)
      .where("created_at", "<", ago(24 * HOUR))
      .execute();
    expect(stale).toEqual([]);
  });
});
