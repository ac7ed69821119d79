import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { tempDir, writeNdjson } from "@tally/import/testing";
import { balances, newAccount, useTestDatabase } from "@tally/service/testing";
import { describe, expect, it } from "vitest";
import { schedulerConfig } from "../src/env.ts";
import { startScheduler } from "../src/scheduler.ts";
import { manualTrigger } from "../testing/index.ts";

const t = useTestDatabase();

const now = () => new Date();

describe("the inbox job", () => {
  it("is off without INBOX_DIR and, with it, imports dropped files on its schedule", async () => {
    const base = {
      SCHEDULE_EXPIRE_LINES: "a",
      SCHEDULE_EXPIRE_RESERVATIONS: "b",
      SCHEDULE_DEMOTE_TIERS: "c",
      SCHEDULE_IMPORT_INBOX: "I",
      SCHEDULE_SWEEP_IDEMPOTENCY_KEYS: "s",
    };
    expect(schedulerConfig(base).schedules.importInbox).toBe("off");
    const { accountId, rewardId } = await newAccount(t.db, now);
    const dir = await tempDir();
    await mkdir(join(dir, accountId));
    await writeNdjson(join(dir, accountId, "drop-customers.ndjson"), [
      { id: "s1", balance: [{ reward_id: rewardId, amount: 9 }] },
    ]);
    const config = schedulerConfig({ ...base, INBOX_DIR: dir });
    expect(config.schedules.importInbox).toBe("I");
    expect(config.inboxQuietMs).toBe(10_000);
    const manual = manualTrigger();
    const errors: string[] = [];
    const scheduler = startScheduler({
      db: t.db,
      now,
      trigger: manual.trigger,
      logger: { info: () => {}, error: (m, e) => errors.push(`${m}: ${String(e)}`) },
      ...config,
      inboxQuietMs: 0,
      schedules: {
        ...config.schedules,
        expireLines: "off",
        expireReservations: "off",
        demoteTiers: "off",
      },
    });
    manual.tick("I");
    await scheduler.stop();
    expect(errors).toEqual([]);
    expect(await readdir(join(dir, accountId, "done"))).toEqual(["drop-customers.ndjson"]);
    expect(await balances(t.db, accountId)).toEqual({ s1: "9" });
  });
});
