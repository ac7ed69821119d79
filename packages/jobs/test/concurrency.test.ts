import {
  createTestDatabase,
  enqueue,
  expectLedgerBalanced,
  jobOf,
  newAccount,
  type TestDatabase,
} from "@tally/service/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { drainJobs, runWorker } from "../src/index.ts";

// Claims only mean something with separate connections: real PostgreSQL only.
const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)("several workers on real PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterEach(() => expectLedgerBalanced(t.db));
  afterAll(() => t.destroy());
  const now = () => new Date();

  it("two workers on two pools process every job exactly once, two accounts' queues at once", async () => {
    // An account's jobs run one at a time, in the order they were sent; two accounts give
    // the two workers two jobs to run at once.
    const customers = Array.from({ length: 8 }, (_, i) => `k-${i}`);
    const accounts: string[] = [];
    for (let a = 0; a < 2; a++) {
      const { accountId, rewardId } = await newAccount(t.db, now);
      const setup = await enqueue(t.db, now, accountId, "CUSTOMERS", {
        customers: customers.map((id) => ({ id, balance: [{ reward_id: rewardId, amount: 1 }] })),
      });
      await drainJobs({ db: t.db, now });
      expect((await jobOf(t.db, accountId, setup)).status).toBe("SUCCEEDED");
      accounts.push(accountId);
    }

    const jobs: string[] = [];
    for (let j = 0; j < 12; j++) {
      for (const accountId of accounts) {
        jobs.push(
          await enqueue(t.db, now, accountId, "EVENTS", {
            customers: customers.map((id) => ({
              id,
              events: [
                {
                  type: "PURCHASE",
                  brand_id: "0001",
                  order: { purchase_id: `job-${j}`, value: 1.1 },
                  issued_at: "2024-06-01T00:00:00Z",
                },
              ],
            })),
          }),
        );
      }
    }
    const controller = new AbortController();
    const pools = [t.connect(4), t.connect(4)];
    const start = (i: number) =>
      runWorker({ db: pools[i]!, now, signal: controller.signal, pollMs: 10, workerId: `w-${i}` });
    const countJobs = async (column: "locked_by" | "status", values: string[]) =>
      (
        await t.db
          .selectFrom("migration_jobs")
          .select("id")
          .where("id", "in", jobs)
          .where(column, "in", values)
          .execute()
      ).length;
    // w-1 first, w-0 once w-1 holds a job: w-1 holds one job at a time, so the other
    // account's next job is free for w-0, however slow its pool is to connect.
    const loops = [start(1)];
    await expect
      .poll(() => countJobs("locked_by", ["w-1"]), { timeout: 30_000, interval: 5 })
      .toBeGreaterThan(0);
    loops.push(start(0));
    await expect
      .poll(() => countJobs("status", ["QUEUED", "RUNNING"]), { timeout: 60_000, interval: 50 })
      .toBe(0);
    controller.abort();
    await Promise.all(loops);

    const rows = await t.db
      .selectFrom("migration_jobs")
      .selectAll()
      .where("id", "in", jobs)
      .execute();
    expect(rows.every((r) => r.status === "SUCCEEDED" && r.attempts === 1)).toBe(true);
    expect(rows.every((r) => r.processed === 8 && r.duplicates === 0)).toBe(true);
    // Both workers took part (locked_by names the worker that finished each job).
    expect(new Set(rows.map((r) => r.locked_by))).toEqual(new Set(["w-0", "w-1"]));
    for (const accountId of accounts) {
      const events = await t.db
        .selectFrom("events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", accountId)
        .executeTakeFirstOrThrow();
      expect(Number(events.n)).toBe(12 * 8);
      const metrics = await t.db
        .selectFrom("customers")
        .select(["id", "metrics"])
        .where("account_id", "=", accountId)
        .execute();
      for (const m of metrics) {
        expect((m.metrics as { lifetime: { number_of_purchases: number } }).lifetime).toMatchObject(
          { number_of_purchases: 12, spend_total: 13.2 },
        );
      }
    }
  });
});
