import { join } from "node:path";
import {
  balances,
  ledgerOf,
  lifetimeOf,
  newAccount,
  useTestDatabase,
} from "@tally/service/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { importFile } from "../src/index.ts";
import { readReport, tempDir, writeNdjson } from "../testing/index.ts";

const t = useTestDatabase();
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

const now = () => new Date();

describe("importFile (NDJSON)", () => {
  it("imports customers, events and transactions end to end", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const customers = await writeNdjson(join(dir, "a-customers.ndjson"), [
      { id: "c1", name: "Ann", balance: [{ reward_id: rewardId, amount: 10.5 }] },
      { id: "c2", balance: [{ reward_id: rewardId, amount: 3 }] },
      "",
      { id: "c3" },
    ]);
    expect(await importFile({ db: t.db, now, accountId, file: customers })).toEqual({
      lines: 3,
      accepted: 3,
      rejected: 0,
      duplicates: 0,
      skippedByCheckpoint: 0,
      fileRejected: 0,
    });
    expect(await balances(t.db, accountId)).toEqual({ c1: "10.5", c2: "3" });

    const events = await writeNdjson(join(dir, "a-events.ndjson"), [
      {
        id: "c1",
        events: [
          { type: "PURCHASE", order: { purchase_id: "p1", value: 20 }, issued_at: "2024-01-02" },
          { type: "PURCHASE", order: { purchase_id: "p2", value: 5.25 }, issued_at: "2024-02-02" },
        ],
      },
    ]);
    const r = await importFile({ db: t.db, now, accountId, file: events });
    expect(r).toMatchObject({ lines: 1, accepted: 1, rejected: 0 });
    expect(await lifetimeOf(t.db, accountId, "c1")).toMatchObject({
      number_of_purchases: 2,
      spend_total: 25.25,
    });

    const txns = await writeNdjson(join(dir, "a-transactions.ndjson"), [
      {
        id: "c1",
        transactions: [
          { reward_id: rewardId, type: "ACCUMULATION", amount: 12.5, issued_at: "2024-01-02" },
          { reward_id: rewardId, type: "REDEMPTION", amount: -2, issued_at: "2024-03-01" },
        ],
      },
    ]);
    expect(await importFile({ db: t.db, now, accountId, file: txns })).toMatchObject({
      accepted: 1,
      rejected: 0,
    });
    expect(await balances(t.db, accountId)).toEqual({ c1: "10.5", c2: "3" });
    expect(await ledgerOf(t.db, accountId)).toEqual({
      ACCUMULATION: 1,
      MIGRATION: 3,
      REDEMPTION: 1,
    });
  });

  it("reports rejected rows with their line numbers and reason, and imports the rest", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    await importFile({
      db: t.db,
      now,
      accountId,
      file: await writeNdjson(join(dir, "b-customers.ndjson"), [
        { id: "c1", balance: [{ reward_id: rewardId, amount: 5 }] },
      ]),
    });
    const file = await writeNdjson(join(dir, "b-transactions.ndjson"), [
      {
        id: "c1",
        transactions: [
          { reward_id: rewardId, type: "ACCUMULATION", amount: 4, issued_at: "2024-01-01" },
        ],
      },
      "{not json",
      {
        id: "c9",
        transactions: [
          { reward_id: rewardId, type: "ACCUMULATION", amount: "x", issued_at: "2024-01-01" },
        ],
      },
      {
        id: "nobody",
        transactions: [
          { reward_id: rewardId, type: "ACCUMULATION", amount: 1, issued_at: "2024-01-01" },
        ],
      },
    ]);
    const report = join(dir, "b.report.ndjson");
    const result = await importFile({ db: t.db, now, accountId, file, reportFile: report });
    expect(result).toMatchObject({ lines: 4, accepted: 0, rejected: 4 });
    const rows = await readReport(report);
    expect(rows.map((r) => [r.line, r.code])).toEqual([
      [1, "RECONCILIATION_MISMATCH"],
      [2, "VALIDATION"],
      [3, "VALIDATION"],
      [4, "NOT_FOUND"],
    ]);
    expect(rows[1]!.reason).toMatch(/invalid JSON/);
    expect(rows[2]).toMatchObject({ customer_id: "c9" });
    expect(rows[2]!.reason).toMatch(/transactions\[0\]\.amount/);
  });

  it("--dry-run validates against the database and writes nothing but the report", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const file = await writeNdjson(join(dir, "c-customers.ndjson"), [
      { id: "d1", balance: [{ reward_id: rewardId, amount: 7 }] },
      { id: "d2", balance: [{ reward_id: "00000000-0000-4000-8000-000000000000", amount: 1 }] },
    ]);
    const result = await importFile({ db: t.db, now, accountId, file, dryRun: true });
    expect(result).toMatchObject({ lines: 2, accepted: 1, rejected: 1 });
    // Its own report: a dry run never replaces the report of a real (perhaps interrupted) run.
    expect(await readReport(`${file}.dry-run.rejected.ndjson`)).toMatchObject([
      { line: 2, code: "NOT_FOUND" },
    ]);
    const customers = await t.db
      .selectFrom("customers")
      .select("id")
      .where("account_id", "=", accountId)
      .execute();
    expect(customers).toEqual([]);
    const checkpoints = await t.db
      .selectFrom("import_checkpoints")
      .select("line")
      .where("account_id", "=", accountId)
      .execute();
    expect(checkpoints).toEqual([]);
  });

  it("a rerun skips the whole file by its checkpoint; a copy elsewhere is seen as the same file; without checkpoint everything is a duplicate", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const lines = Array.from({ length: 7 }, (_, i) => ({
      id: `r${i}`,
      balance: [{ reward_id: rewardId, amount: i + 1 }],
    }));
    const file = await writeNdjson(join(dir, "d-customers.ndjson"), lines);
    expect(await importFile({ db: t.db, now, accountId, file, batchSize: 3 })).toMatchObject({
      accepted: 7,
    });
    expect(await importFile({ db: t.db, now, accountId, file, batchSize: 3 })).toEqual({
      lines: 7,
      accepted: 0,
      rejected: 0,
      duplicates: 0,
      skippedByCheckpoint: 7,
      fileRejected: 0,
    });
    const copy = await writeNdjson(join(dir, "elsewhere-customers.ndjson"), lines);
    expect(await importFile({ db: t.db, now, accountId, file: copy })).toMatchObject({
      skippedByCheckpoint: 7,
    });
    await t.db.deleteFrom("import_checkpoints").where("account_id", "=", accountId).execute();
    expect(await importFile({ db: t.db, now, accountId, file, batchSize: 3 })).toMatchObject({
      accepted: 7,
      duplicates: 7,
    });
    expect(Object.keys(await balances(t.db, accountId))).toHaveLength(7);
    expect(await ledgerOf(t.db, accountId)).toEqual({ MIGRATION: 7 });
  });

  it("resumes from a partial checkpoint without re-reading committed lines", async () => {
    const { accountId, rewardId } = await newAccount(t.db, now);
    const file = await writeNdjson(
      join(dir, "e-customers.ndjson"),
      Array.from({ length: 5 }, (_, i) => ({
        id: `e${i}`,
        balance: [{ reward_id: rewardId, amount: 1 }],
      })),
    );
    const seen: { bytes: number; totalBytes: number; accepted: number }[] = [];
    await importFile({
      db: t.db,
      now,
      accountId,
      file,
      batchSize: 2,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.map((p) => p.accepted)).toEqual([2, 4, 5]);
    expect(seen.at(-1)!.bytes).toBe(seen.at(-1)!.totalBytes);
    await t.db
      .updateTable("import_checkpoints")
      .set({ line: 2, completed_at: null })
      .where("account_id", "=", accountId)
      .execute();
    expect(await importFile({ db: t.db, now, accountId, file, batchSize: 2 })).toMatchObject({
      lines: 5,
      skippedByCheckpoint: 2,
      accepted: 3,
      duplicates: 3,
    });
  });

  it("refuses an unknown account, an unknown type and an unreadable file", async () => {
    const file = await writeNdjson(join(dir, "f.ndjson"), [{ id: "x" }]);
    const accountId = "00000000-0000-4000-8000-000000000001";
    await expect(importFile({ db: t.db, now, accountId, file, type: "customers" })).rejects.toThrow(
      /account/,
    );
    await expect(importFile({ db: t.db, now, accountId, file })).rejects.toThrow(/--type/);
    await expect(
      importFile({ db: t.db, now, accountId, file: join(dir, "missing-customers.ndjson") }),
    ).rejects.toThrow(/ENOENT/);
  });
});
