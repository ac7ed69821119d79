import { join } from "node:path";
import { newAccount, useTestDatabase } from "@tally/service/testing";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultReportFile, importFile } from "../src/index.ts";
import { readReport, tempDir, writeNdjson } from "../testing/index.ts";

// The COPY path is PostgreSQL's (PGlite has no COPY from a client stream).
const t = useTestDatabase();
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

const now = () => new Date("2026-03-01T12:00:00Z");
const MISSING = "00000000-0000-4000-8000-00000000dead";
const tx = (reward_id: string, amount: number, issued_at = "2024-01-02") => ({
  reward_id,
  type: "ACCUMULATION",
  amount,
  issued_at,
});

/** An account whose customers c0…c{n-1} hold an opening balance of `balance` each. */
async function accountWith(n: number, balance: number) {
  const { accountId, rewardId } = await newAccount(t.db, now);
  const customers = Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    balance: [{ reward_id: rewardId, amount: balance }],
  }));
  const file = await writeNdjson(join(dir, `${accountId}-customers.ndjson`), customers);
  await importFile({ db: t.db, now, accountId, file });
  return { accountId, r: rewardId };
}

/** Imports a transactions file, noting whether each batch went through COPY. */
async function importTransactions(accountId: string, file: string, batchSize = 2) {
  const copied: boolean[] = [];
  const result = await importFile({
    db: t.db,
    now,
    accountId,
    file,
    type: "transactions",
    batchSize,
    concurrency: 2,
    onBulkError: (error) => {
      throw error;
    },
    onBatch: (b) => {
      if (b.items > 0) copied.push(b.copy);
    },
  });
  return { result, copied };
}

async function ledgerOf(accountId: string) {
  const { rows } = await sql<{ customer: string; type: string; amount: string; key: string }>`
    select c.id as customer, t.type, t.amount::text as amount, split_part(t.migration_key, ':', 1) as key
    from transactions t join customers c on c.account_id = t.account_id and c.uuid = t.customer_uuid
    where t.account_id = ${accountId} order by t.id`.execute(t.db);
  return rows;
}

describe.runIf(process.env.DATABASE_URL)("import through COPY (PostgreSQL)", () => {
  it("reports every rejected row on its line with its reason, and commits the others", async () => {
    const { accountId, r } = await accountWith(5, 10);
    const file = await writeNdjson(join(dir, "rejects-transactions.ndjson"), [
      { id: "c0", transactions: [tx(r, 4), tx(r, 6)] },
      "{not json",
      { id: "c1", transactions: [tx(r, 10), tx(r, 0.123456789)] },
      { id: "nobody", transactions: [tx(r, 10)] },
      { id: "c2", transactions: [tx(r, 5), tx(MISSING, 5)] },
      { id: "c3", transactions: [tx(r, 9)] },
      { id: "c4", transactions: [tx(r, 10)] },
    ]);
    const { result, copied } = await importTransactions(accountId, file);
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.every(Boolean)).toBe(true);
    expect(result).toMatchObject({ lines: 7, accepted: 2, rejected: 5, duplicates: 0 });
    const report = await readReport(defaultReportFile(file));
    expect(report).toEqual([
      {
        line: 2,
        customer_id: null,
        code: "VALIDATION",
        reason: expect.stringMatching(/^invalid JSON: /),
      },
      {
        line: 3,
        customer_id: "c1",
        code: "VALIDATION",
        reason: "transactions[1].amount: must have at most 8 decimal places",
      },
      { line: 4, customer_id: "nobody", code: "NOT_FOUND", reason: 'customer "nobody" not found' },
      {
        line: 5,
        customer_id: "c2",
        code: "NOT_FOUND",
        reason: `transactions[1].reward_id: reward "${MISSING}" not found`,
      },
      {
        line: 6,
        customer_id: "c3",
        code: "RECONCILIATION_MISMATCH",
        reason: `reward ${r}: migrated transactions sum to 9 but the migrated balance is 10`,
      },
    ]);
    const ledger = await ledgerOf(accountId);
    // c0 and c4: opening balance, its replacement, the history; nothing of the rejected.
    expect(ledger.filter((row) => row.key !== "bal")).toEqual([
      { customer: "c0", type: "MIGRATION", amount: "-10", key: "rep" },
      { customer: "c0", type: "ACCUMULATION", amount: "4", key: "txn" },
      { customer: "c0", type: "ACCUMULATION", amount: "6", key: "txn" },
      { customer: "c4", type: "MIGRATION", amount: "-10", key: "rep" },
      { customer: "c4", type: "ACCUMULATION", amount: "10", key: "txn" },
    ]);
  });

  it("a resubmitted file is a no-op: skipped whole, and as another file (respelled) all duplicates", async () => {
    const { accountId, r } = await accountWith(4, 3);
    const rows = Array.from({ length: 4 }, (_, i) => ({
      id: `c${i}`,
      transactions: [tx(r, 1), tx(r, 2, "2024-02-01")],
    }));
    const file = await writeNdjson(join(dir, "again-transactions.ndjson"), rows);
    const first = await importTransactions(accountId, file);
    expect(first.result).toMatchObject({ accepted: 4, rejected: 0, duplicates: 0 });
    const ledger = await ledgerOf(accountId);

    const same = await importTransactions(accountId, file);
    expect(same.result).toMatchObject({ accepted: 0, skippedByCheckpoint: 4, rejected: 0 });
    // The same records spelled otherwise (a new file to the checkpoints): every one a duplicate.
    const respelled = await writeNdjson(
      join(dir, "again2-transactions.ndjson"),
      rows.map((row) => ({
        transactions: row.transactions.map((x) => ({
          ...x,
          issued_at: `${x.issued_at}T00:00:00Z`,
          brand_id: null,
        })),
        id: row.id,
      })),
    );
    const again = await importTransactions(accountId, respelled);
    expect(again.copied.every(Boolean)).toBe(true);
    expect(again.result).toMatchObject({ accepted: 4, rejected: 0, duplicates: 8 });
    expect(await ledgerOf(accountId)).toEqual(ledger);
  });

  it("an import that died mid-file resumes at its checkpoint: same totals, nothing twice", async () => {
    const n = 12;
    const { accountId, r } = await accountWith(n, 3);
    const rows = Array.from({ length: n }, (_, i) => ({
      id: `c${i}`,
      transactions: [tx(r, 1), tx(r, 2, "2024-02-01")],
    }));
    const file = await writeNdjson(join(dir, "died-transactions.ndjson"), rows);
    // The process stops after its third batch committed (apps/importer's crash test kills the
    // CLI with SIGKILL; this one stops it in a batch's transaction, before its commit).
    let batches = 0;
    const died = importFile({
      db: t.db,
      now,
      accountId,
      file,
      batchSize: 2,
      onBatch: () => {
        batches += 1;
        if (batches === 3) throw new Error("died");
      },
    });
    await expect(died).rejects.toThrow("died");
    const resumed = await importTransactions(accountId, file);
    expect(resumed.result.skippedByCheckpoint).toBeGreaterThan(0);
    expect(resumed.result.skippedByCheckpoint).toBeLessThan(n);
    expect(resumed.result).toMatchObject({ lines: n, rejected: 0, fileRejected: 0 });
    const checkpoint = await t.db
      .selectFrom("import_checkpoints")
      .select(["accepted", "rejected", "duplicates", "completed_at"])
      .where("account_id", "=", accountId)
      .where("type", "=", "TRANSACTIONS")
      .executeTakeFirstOrThrow();
    expect(checkpoint).toMatchObject({ accepted: n, rejected: 0 });
    expect(checkpoint.completed_at).not.toBeNull();
    const { rows: counts } = await sql<{ key: string; n: number }>`
      select split_part(migration_key, ':', 1) as key, count(*)::int as n from transactions
      where account_id = ${accountId} group by 1 order by 1`.execute(t.db);
    expect(counts).toEqual([
      { key: "bal", n },
      { key: "rep", n },
      { key: "txn", n: 2 * n },
    ]);
  });
});
