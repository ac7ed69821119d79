import type { Db } from "@tally/db";
import { describe, expect, it } from "vitest";
import { startScheduler } from "../src/scheduler.ts";
import { manualTrigger } from "../testing/index.ts";

const db = {} as Db; // the jobs below are fakes and never touch it
const quiet = { info: () => {}, error: () => {} };

describe("startScheduler", () => {
  it("never starts a job again while its run is still going, and logs failures", async () => {
    const manual = manualTrigger();
    let release!: () => void;
    let runs = 0;
    const errors: string[] = [];
    const scheduler = startScheduler({
      db,
      now: () => new Date(),
      trigger: manual.trigger,
      logger: { info: () => {}, error: (m) => errors.push(m) },
      schedules: { expireLines: "A", expireReservations: "B", demoteTiers: "off" },
      jobs: {
        expireLines: () => {
          runs++;
          return new Promise<void>((r) => {
            release = r;
          });
        },
        expireReservations: async () => {
          throw new Error("boom");
        },
      },
    });
    manual.tick("A");
    manual.tick("A");
    manual.tick("A");
    await Promise.resolve();
    expect(runs).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 0));
    manual.tick("A");
    await Promise.resolve();
    expect(runs).toBe(2);
    release();
    manual.tick("B");
    manual.tick("B");
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual(["expireReservations failed"]);
    manual.tick("B");
    await scheduler.stop();
    expect(errors).toEqual(["expireReservations failed", "expireReservations failed"]);
  });

  it("runs a job on its croner tick and stops on abort", async () => {
    const controller = new AbortController();
    const at: number[] = [];
    const scheduler = startScheduler({
      db,
      now: () => new Date(),
      signal: controller.signal,
      logger: quiet,
      schedules: { expireLines: "* * * * * *", expireReservations: "off", demoteTiers: "off" },
      jobs: {
        expireLines: async ({ now }) => {
          at.push(now.getTime());
        },
      },
    });
    await expect.poll(() => at.length, { timeout: 3000, interval: 20 }).toBeGreaterThan(0);
    controller.abort();
    await scheduler.stop();
    const n = at.length;
    await new Promise((r) => setTimeout(r, 1100));
    expect(at.length).toBe(n);
  });
});
