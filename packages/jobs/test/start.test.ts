import { beginIdempotent, completeIdempotent } from "@tally/service";
import { balances, enqueue, jobOf, newAccount, useTestDatabase } from "@tally/service/testing";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_POLL_MS,
  DEFAULT_SCHEDULES,
  jobsConfig,
  startJobs,
  startScheduler,
  ZJobsEnvSchema,
} from "../src/index.ts";
import { manualTrigger } from "../testing/index.ts";

const t = useTestDatabase();

const now = () => new Date();
const noSchedules = {
  expireLines: "off",
  expireReservations: "off",
  demoteTiers: "off",
  importInbox: "off",
  sweepIdempotencyKeys: "off",
};

describe("the jobs' environment", () => {
  it("has one default per variable, the worker's and the scheduler's own", () => {
    const env = ZJobsEnvSchema.parse({});
    expect(env.WORKER).toBe("on");
    expect(env.WORKER_POLL_MS).toBe(DEFAULT_POLL_MS);
    expect(env.SCHEDULE_SWEEP_IDEMPOTENCY_KEYS).toBe(DEFAULT_SCHEDULES.sweepIdempotencyKeys);
    expect(jobsConfig(env)).toMatchObject({
      enabled: true,
      pollMs: 1000,
      schedules: { sweepIdempotencyKeys: "30 * * * *", importInbox: "off" },
    });
    const off = jobsConfig(
      ZJobsEnvSchema.parse({ WORKER: "off", SCHEDULE_SWEEP_IDEMPOTENCY_KEYS: "off" }),
    );
    expect(off).toMatchObject({ enabled: false, schedules: { sweepIdempotencyKeys: "off" } });
    // A host without WORKER (the standalone worker) always runs the jobs.
    const { WORKER: _, ...standalone } = env;
    expect(jobsConfig(standalone).enabled).toBe(true);
    expect(() => ZJobsEnvSchema.parse({ SCHEDULE_SWEEP_IDEMPOTENCY_KEYS: "hourly" })).toThrow(
      /not a cron expression/,
    );
  });
});

describe("startJobs", () => {
  it("runs queued migrations until stopped, polling at pollMs", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const stop = startJobs({ db: t.db, now, pollMs: 20, schedules: noSchedules });
    try {
      // Queued after the worker found the queue empty: picked up by a later poll.
      await new Promise((r) => setTimeout(r, 50));
      const id = await enqueue(t.db, now, accountId, "CUSTOMERS", {
        customers: [{ id: "p1", balance: [{ reward_id: rewardId, amount: 4 }] }],
      });
      await expect
        .poll(async () => (await jobOf(t.db, accountId, id)).status, { timeout: 5000 })
        .toBe("SUCCEEDED");
    } finally {
      await stop();
    }
    expect(await balances(t.db, accountId)).toEqual({ p1: "4" });
  });

  it("runs nothing when not enabled (WORKER=off)", async () => {
    const { accountId } = await newAccount(t.db, now);
    const stop = startJobs({ db: t.db, now, enabled: false, pollMs: 10 });
    const id = await enqueue(t.db, now, accountId, "CUSTOMERS", { customers: [{ id: "q1" }] });
    await new Promise((r) => setTimeout(r, 300));
    await stop();
    expect((await jobOf(t.db, accountId, id)).status).toBe("QUEUED");
  });
});

describe("the Idempotency-Key sweep job", () => {
  it("deletes the keys past their 24 hours on its schedule", async () => {
    const { accountId } = await newAccount(t.db, now);
    const at = new Date("2026-12-07T12:30:00Z");
    for (const [key, age] of [
      ["day-old", 25],
      ["hour-old", 1],
    ] as const) {
      const deps = { db: t.db, now: () => new Date(at.getTime() - age * 3600_000) };
      const start = await beginIdempotent(deps, accountId, key, key);
      if (start.kind === "new") await completeIdempotent(deps, start.claim, 201, {});
    }
    const manual = manualTrigger();
    const logged: string[] = [];
    const scheduler = startScheduler({
      db: t.db,
      now: () => at,
      trigger: manual.trigger,
      logger: { info: (m) => logged.push(m), error: (m, e) => logged.push(`${m}: ${e}`) },
      schedules: { ...noSchedules, sweepIdempotencyKeys: "S" },
    });
    manual.tick("S");
    await scheduler.stop();
    expect(logged).toEqual(['sweepIdempotencyKeys: {"keys":1}']);
    const keys = await t.db
      .selectFrom("idempotency_keys")
      .select("key")
      .where("account_id", "=", accountId)
      .execute();
    expect(keys).toEqual([{ key: "hour-old" }]);
  });
});
