import { claimMigrationJob, runMigrationJob } from "@tally/service";
import { balances, enqueue, jobOf, newAccount, useTestDatabase } from "@tally/service/testing";
import { describe, expect, it } from "vitest";
import { drainJobs, runWorker } from "../src/index.ts";

const t = useTestDatabase();

const now = () => new Date();
const opening = (id: string, rewardId: string, amount: number) => ({
  id,
  balance: [{ reward_id: rewardId, amount }],
});

describe("drainJobs", () => {
  it("runs every queued job to completion, oldest first, and leaves nothing claimable", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const first = await enqueue(t.db, now, accountId, "CUSTOMERS", {
      customers: [opening("a", rewardId, 10), opening("b", rewardId, 2.5)],
    });
    const second = await enqueue(t.db, now, accountId, "EVENTS", {
      customers: [
        {
          id: "a",
          events: [{ type: "PURCHASE", order: { value: 9.99 }, issued_at: "2024-05-01" }],
        },
      ],
    });
    expect(await drainJobs({ db: t.db, now })).toBe(2);
    expect(await jobOf(t.db, accountId, first)).toMatchObject({
      status: "SUCCEEDED",
      succeeded: 2,
    });
    expect(await jobOf(t.db, accountId, second)).toMatchObject({
      status: "SUCCEEDED",
      succeeded: 1,
    });
    expect(await balances(t.db, accountId)).toEqual({ a: "10", b: "2.5" });
    expect(await drainJobs({ db: t.db, now })).toBe(0);
  });
});

describe("crash recovery", () => {
  it("hands a job back at once when its worker stops on purpose", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const id = await enqueue(t.db, now, accountId, "CUSTOMERS", {
      customers: [opening("s1", rewardId, 1), opening("s2", rewardId, 2)],
    });
    const start = new Date();
    const claimed = await claimMigrationJob(t.db, {
      workerId: "leaving",
      now: start,
      leaseMs: 300_000,
    });
    expect(claimed?.id).toBe(id);
    const stop = new AbortController();
    stop.abort();
    const opts = {
      db: t.db,
      now: () => start,
      workerId: "leaving",
      leaseMs: 300_000,
      signal: stop.signal,
    };
    expect(await runMigrationJob(claimed!, opts)).toBe(false);
    // No five-minute wait: another worker takes it over straight away and finishes it.
    const next = await claimMigrationJob(t.db, {
      workerId: "staying",
      now: new Date(start.getTime() + 1),
      leaseMs: 300_000,
    });
    expect(next?.id).toBe(id);
    expect(
      await runMigrationJob(next!, { db: t.db, now, workerId: "staying", leaseMs: 300_000 }),
    ).toBe(true);
    expect(await jobOf(t.db, accountId, id)).toMatchObject({ status: "SUCCEEDED", processed: 2 });
  });

  it("resumes a RUNNING job whose lease expired, without applying anything twice; the dead worker can no longer write", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const id = await enqueue(t.db, now, accountId, "CUSTOMERS", {
      customers: [
        opening("r1", rewardId, 1),
        opening("r2", rewardId, 2),
        opening("r3", rewardId, 3),
      ],
    });
    const start = new Date();
    const at = (ms: number) => () => new Date(start.getTime() + ms);
    const claimed = await claimMigrationJob(t.db, {
      workerId: "dead",
      now: start,
      leaseMs: 60_000,
    });
    expect(claimed?.id).toBe(id);
    // The dead worker got through two items, then "crashed" (stopped without finishing).
    const opts = { db: t.db, now: at(0), workerId: "dead", leaseMs: 60_000 };
    expect(await runMigrationJob(claimed!, { ...opts, maxItems: 2 })).toBe(false);
    expect(await jobOf(t.db, accountId, id)).toMatchObject({ status: "RUNNING", processed: 2 });
    // Worse still, pretend its progress on item 1 was lost: the migration keys must absorb the rerun.
    await t.db
      .updateTable("migration_jobs")
      .set({ processed: 1, succeeded: 1 })
      .where("id", "=", id)
      .execute();

    expect(await drainJobs({ db: t.db, now: at(30_000) })).toBe(0); // lease still valid
    expect(await drainJobs({ db: t.db, now: at(120_000) })).toBe(1);
    expect(await jobOf(t.db, accountId, id)).toMatchObject({
      status: "SUCCEEDED",
      processed: 3,
      succeeded: 3,
      failed: 0,
      duplicates: 1,
    });
    const row = await t.db
      .selectFrom("migration_jobs")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 2, lease_expires_at: null });
    expect(row.locked_by).not.toBe("dead");
    expect(await balances(t.db, accountId)).toEqual({ r1: "1", r2: "2", r3: "3" });

    // The dead worker wakes up with its stale row: every write it tries is fenced off.
    expect(await runMigrationJob({ ...claimed!, processed: 2 }, opts)).toBe(false);
    expect(await balances(t.db, accountId)).toEqual({ r1: "1", r2: "2", r3: "3" });
    expect(await jobOf(t.db, accountId, id)).toMatchObject({ status: "SUCCEEDED", processed: 3 });
  });
});

describe("retry cap", () => {
  it("gives up a job whose worker keeps dying after 3 starts: FAILED with the reason", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const id = await enqueue(t.db, now, accountId, "CUSTOMERS", {
      customers: [opening("d1", rewardId, 1)],
    });
    const start = Date.now();
    // Three workers claim it and die (their leases lapse without progress).
    for (let i = 0; i < 3; i++) {
      const job = await claimMigrationJob(t.db, {
        workerId: `dying-${i}`,
        now: new Date(start + i * 120_000),
        leaseMs: 60_000,
      });
      expect(job?.id).toBe(id);
    }
    expect(await drainJobs({ db: t.db, now: () => new Date(start + 360_000) })).toBe(0);
    const job = await jobOf(t.db, accountId, id);
    expect(job).toMatchObject({ status: "FAILED", processed: 0 });
    expect(job.errors).toEqual([
      expect.objectContaining({
        item: -1,
        code: "INTERNAL",
        details: expect.stringMatching(/gave up after 3 attempts/),
      }),
    ]);
    expect(await balances(t.db, accountId)).toEqual({});
  });

  it("retries a job whose run throws, then marks it FAILED with each attempt's error", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const id = await enqueue(t.db, now, accountId, "CUSTOMERS", {
      customers: [opening("e1", rewardId, 1), opening("e2", rewardId, 2)],
    });
    // A clock that fails while the job runs (each start: claim, run, hand back): the run throws, not an item.
    let calls = 0;
    const broken = () => {
      if (++calls % 3 === 2) throw new Error("clock broke");
      return new Date();
    };
    const errors: string[] = [];
    const ran = await drainJobs({
      db: t.db,
      now: broken,
      onError: (message) => errors.push(message),
    });
    expect(ran).toBe(3);
    const job = await jobOf(t.db, accountId, id);
    expect(job.status).toBe("FAILED");
    expect(job.errors.map((e) => e.details)).toEqual([
      "attempt 1 failed: clock broke",
      "attempt 2 failed: clock broke",
      "attempt 3 failed: clock broke; gave up after 3 attempts",
    ]);
    expect(errors).toHaveLength(3);
    expect(await drainJobs({ db: t.db, now })).toBe(0);
  });

  it("a job that throws once succeeds on its next start", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const id = await enqueue(t.db, now, accountId, "CUSTOMERS", {
      customers: [opening("f1", rewardId, 1)],
    });
    let calls = 0;
    const once = () => {
      if (++calls === 2) throw new Error("hiccup");
      return new Date();
    };
    await drainJobs({ db: t.db, now: once, onError: () => {} });
    expect(await jobOf(t.db, accountId, id)).toMatchObject({
      status: "SUCCEEDED",
      succeeded: 1,
      errors: [expect.objectContaining({ details: "attempt 1 failed: hiccup" })],
    });
    expect(await balances(t.db, accountId)).toEqual({ f1: "1" });
  });
});

describe("runWorker", () => {
  it("polls the queue, runs what arrives and stops when aborted", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const controller = new AbortController();
    const loop = runWorker({ db: t.db, now, signal: controller.signal, pollMs: 20 });
    const id = await enqueue(t.db, now, accountId, "CUSTOMERS", {
      customers: [opening("w1", rewardId, 5)],
    });
    await expect
      .poll(async () => (await jobOf(t.db, accountId, id)).status, { timeout: 10_000 })
      .toBe("SUCCEEDED");
    controller.abort();
    await loop;
    expect(await balances(t.db, accountId)).toEqual({ w1: "5" });
  });
});
