import { join } from "node:path";
import type { Db } from "@tally/db";
import { ZRewardInsertSchema } from "@tally/schemas";
import { createReward } from "@tally/service";
import { newAccount, useTestDatabase } from "@tally/service/testing";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultReportFile, importFile } from "../src/index.ts";
import { readReport, tempDir, writeNdjson } from "../testing/index.ts";

const t = useTestDatabase();
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

const AT = new Date("2026-03-01T12:00:00Z");
const now = () => AT;

/** Imports `rows` written to `name`; answers the result and, per batch, whether it went set-wise. */
async function importRows(accountId: string, name: string, rows: unknown[]) {
  const paths: boolean[] = [];
  const file = await writeNdjson(join(dir, name), rows);
  const result = await importFile({
    db: t.db,
    now,
    accountId,
    file,
    onBatch: (b) => {
      if (b.items > 0) paths.push(b.bulk);
    },
  });
  return { result, paths };
}

/** An account with two rewards: "Points" (r) and "Stars" (s). */
async function account() {
  const { accountId, rewardId } = await newAccount(t.db, now);
  const stars = await createReward(
    { db: t.db, now },
    accountId,
    ZRewardInsertSchema.parse({
      name: "Stars",
      type: "POINTS",
      attributes: { conversion_factor: 1 },
    }),
  );
  return { accountId, r: rewardId, s: stars.id };
}

type Rewards = { r: string; s: string };
const MISSING = "00000000-0000-4000-8000-00000000dead";

/** The files of one scenario, for an account's rewards: every outcome the importer knows. */
function files({ r, s }: Rewards) {
  const customers = [
    { id: "a", name: "Ann", email: "ann@x.io", balance: [{ reward_id: r, amount: 10.5 }] },
    {
      id: "b",
      registration_date: "2023-05-01",
      metrics: { lifetime: { spend_total: 12 } },
      balance: [
        { reward_id: r, amount: 3, expiration_date: "2030-01-01", brand_id: "0001" },
        { reward_id: s, amount: 7.25, issued_at: "2024-02-01T10:00:00+02:00" },
      ],
    },
    { id: "c" },
    { id: "d", email: "ANN@x.io" },
    { id: "e", balance: [{ reward_id: MISSING, amount: 1 }] },
    { id: "f", balance: [{ reward_id: r, amount: 4 }] },
    { id: "g", balance: [{ reward_id: r, amount: 1 }] },
  ];
  const again = [
    { id: "a", name: "Ann B", balance: [{ reward_id: r, amount: 10.5 }] },
    {
      id: "b",
      balance: [{ reward_id: r, amount: 4, expiration_date: "2030-01-01", brand_id: "0001" }],
    },
    { id: "h", email: "ann@x.io" },
    { id: "i", name: "Ivy", balance: [{ reward_id: s, amount: 2 }] },
  ];
  const tx = (
    reward_id: string,
    amount: number,
    issued_at = "2024-01-02",
    type = "ACCUMULATION",
  ) => ({
    reward_id,
    type,
    amount,
    issued_at,
  });
  const transactions = [
    { id: "a", transactions: [tx(r, 12.5), tx(r, -2, "2024-03-01", "REDEMPTION")] },
    { id: "b", transactions: [tx(r, 3), tx(s, 7), tx(s, 0.25, "2024-04-01T08:00:00Z")] },
    { id: "c", transactions: [tx(r, 5), tx(r, -5, "2024-02-01", "REDEMPTION")] },
    { id: "f", transactions: [tx(r, 5)] },
    { id: "nobody", transactions: [tx(r, 1)] },
    { id: "g", transactions: [tx(MISSING, 1)] },
    { id: "i", transactions: [tx(s, 2), tx(s, 2)] },
  ];
  const resent = [
    { id: "a", transactions: [tx(r, 12.5), tx(r, -2, "2024-03-01", "REDEMPTION")] },
    { id: "b", transactions: [tx(s, 7), tx(s, 1, "2024-05-01")] },
    { id: "i", transactions: [tx(s, 2), tx(s, 2), tx(s, -2, "2024-06-01", "REDEMPTION")] },
  ];
  return { customers, again, transactions, resent };
}

/** Everything an import writes, with ids and keys replaced by what they point at. */
async function stateOf(db: Db, accountId: string) {
  const ledger = await sql`
    select c.id as customer, rw.name as reward, t.type, t.amount::text, t.cost::text, t.issued_at,
      t.brand_id, t.details, t.reward_type, t.attributes - 'line' as attributes,
      t.attributes->'line'->'amount' as line_amount,
      split_part(t.migration_key, ':', 1) as key_kind, t.reverses_id is not null as reverses,
      t.line_id is not null as has_line, t.created_at
    from transactions t
    join customers c on c.account_id = t.account_id and c.uuid = t.customer_uuid
    join rewards rw on rw.account_id = t.account_id and rw.id = t.reward_id
    where t.account_id = ${accountId} order by 1, 2, 3, 4, 6, 12`.execute(db);
  const lots = await sql`
    select c.id as customer, rw.name as reward, l.source, l.amount::text, l.remaining::text,
      l.reserved::text, l.issued_at, l.expiration_date, l.brand_id
    from wallet_lines l join wallets w on w.account_id = l.account_id and w.id = l.wallet_id
    join customers c on c.account_id = w.account_id and c.uuid = w.customer_uuid
    join rewards rw on rw.account_id = l.account_id and rw.id = l.reward_id
    where l.account_id = ${accountId} order by 1, 2, 4, 7`.execute(db);
  const customers = await sql`
    select c.id, c.name, c.email, c.registration_date, c.metrics, c.created_at, c.updated_at,
      (select count(*)::int from wallets w where w.account_id = c.account_id and w.customer_uuid = c.uuid) as wallets
    from customers c where c.account_id = ${accountId} order by c.id`.execute(db);
  return { ledger: ledger.rows, lots: lots.rows, customers: customers.rows };
}

/** Runs the scenario in a fresh account by one path; answers results, reports and state. */
async function scenario(bulk: boolean, dryRun = false) {
  const acc = await account();
  const f = files(acc);
  const tag = `${bulk ? "bulk" : "item"}-${acc.accountId.slice(0, 8)}`;
  const paths: boolean[] = [];
  const copied: boolean[] = [];
  const run = async (name: string, lines: unknown[], dry = false) => {
    const file = await writeNdjson(join(dir, `${tag}-${name}.ndjson`), lines);
    const result = await importFile({
      db: t.db,
      now,
      accountId: acc.accountId,
      file,
      type: name.startsWith("c") || name === "again" ? "customers" : "transactions",
      bulk,
      dryRun: dry,
      batchSize: 3,
      concurrency: process.env.DATABASE_URL ? 4 : 1,
      onBulkError: (error) => {
        throw error;
      },
      onBatch: (b) => {
        if (b.items > 0) paths.push(b.bulk);
        if (b.items > 0 && name.startsWith("t")) copied.push(b.copy);
      },
    });
    const report = (await readReport(defaultReportFile(file, dry))).map((row) => ({
      ...row,
      reason: String(row.reason).replaceAll(acc.r, "<r>").replaceAll(acc.s, "<s>"),
    }));
    return { result, report };
  };
  const out = {
    customers: await run("customers", f.customers, dryRun),
    again: await run("again", f.again, dryRun),
    transactions: await run("transactions", f.transactions, dryRun),
    resent: await run("resent", f.resent, dryRun),
    state: await stateOf(t.db, acc.accountId),
  };
  return { out, paths, copied };
}

describe("bulk import equals the per-item path", () => {
  it("same results, reports, ledger rows, lots and customers", async () => {
    const bulk = await scenario(true);
    const item = await scenario(false);
    expect(bulk.paths.length).toBeGreaterThan(4);
    expect(bulk.paths.every(Boolean)).toBe(true);
    expect(item.paths.some(Boolean)).toBe(false);
    // On PostgreSQL the transactions batches go through COPY (PGlite has none).
    expect(bulk.copied.length).toBeGreaterThan(0);
    expect(bulk.copied.every((c) => c === (t.kind === "postgres"))).toBe(true);
    expect(bulk.out).toEqual(item.out);
    // The scenario reaches every outcome.
    const codes = [bulk.out.customers, bulk.out.again, bulk.out.transactions, bulk.out.resent]
      .flatMap((r) => r.report.map((row) => (row as { code?: string }).code))
      .sort();
    expect([...new Set(codes)]).toEqual(["CONFLICT", "NOT_FOUND", "RECONCILIATION_MISMATCH"]);
    expect(bulk.out.resent.result.duplicates).toBeGreaterThan(0);
    expect(bulk.out.state.ledger.some((row) => (row as { reverses: boolean }).reverses)).toBe(true);
  });

  it("a dry run reports the same and writes nothing, by either path", async () => {
    const bulk = await scenario(true, true);
    const item = await scenario(false, true);
    expect(bulk.paths.every(Boolean)).toBe(true);
    expect(bulk.copied.every((c) => c === (t.kind === "postgres"))).toBe(true);
    expect(bulk.out).toEqual(item.out);
    expect(bulk.out.state).toEqual({ ledger: [], lots: [], customers: [] });
  });

  it("leaves the planner statistics counting the rows it imported", async () => {
    // Stale statistics made PostgreSQL scan the whole ledger for each batch's lookups.
    const { accountId, r } = await account();
    const rows = Array.from({ length: 60 }, (_, i) => ({
      id: `stat-${i}`,
      balance: [{ reward_id: r, amount: 1 }],
    }));
    const file = await writeNdjson(join(dir, "stats-customers.ndjson"), rows);
    await importFile({ db: t.db, now, accountId, file, batchSize: 20, analyzeMinBytes: 0 });
    const stats = await sql<{ relname: string; planned: number; actual: number }>`
      select c.relname, c.reltuples::int as planned, (xpath('/row/n/text()',
        query_to_xml(format('select count(*) as n from %I', c.relname), false, true, '')))[1]::text::int as actual
      from pg_class c where c.relname in ('customers', 'wallets', 'wallet_lines', 'transactions')
      order by c.relname`.execute(t.db);
    expect(stats.rows.length).toBe(4);
    for (const s of stats.rows) expect(s, s.relname).toMatchObject({ planned: s.actual });
  });

  it("stores a lone UTF-16 surrogate as U+FFFD on the bulk path, as a parameter would", async () => {
    // jsonb refuses an unpaired surrogate: unrepaired, it failed the whole bulk batch.
    const { accountId } = await account();
    const { result, paths } = await importRows(accountId, "surrogate-customers.ndjson", [
      { id: "u1", name: "a\ud83db" },
      { id: "u2", name: "plain" },
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: 0 });
    expect(paths).toEqual([true]);
    const names = await t.db
      .selectFrom("customers")
      .select(["id", "name"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
    expect(names).toEqual([
      { id: "u1", name: "a\ufffdb" },
      { id: "u2", name: "plain" },
    ]);
  });

  it("looks a customer's history keys up among its own rows, even when another took its id", async () => {
    const { accountId, r } = await account();
    const run = (name: string, rows: unknown[]) => importRows(accountId, name, rows);
    const accrual = { reward_id: r, type: "ACCUMULATION", amount: 5, issued_at: "2024-01-02" };
    await run("reuse-customers-1.ndjson", [{ id: "old" }]);
    await run("reuse-transactions-1.ndjson", [
      {
        id: "old",
        transactions: [accrual, { ...accrual, type: "REDEMPTION", amount: -5 }],
      },
    ]);
    // The customer takes a new id (as identify/anonymous with new_id does), and a new
    // customer the old one: its first record has the key the renamed customer's has.
    await sql`update customers set id = 'renamed' where account_id = ${accountId} and id = 'old'`.execute(
      t.db,
    );
    await run("reuse-customers-2.ndjson", [{ id: "old", balance: [{ reward_id: r, amount: 5 }] }]);
    const { result, paths } = await run("reuse-transactions-2.ndjson", [
      { id: "renamed", transactions: [{ ...accrual, amount: 7 }] },
      { id: "old", transactions: [accrual] },
    ]);
    expect(paths).toEqual([true]);
    // The new "old" has no history: its record is fresh and reconciles with its balance; the
    // renamed customer's history was migrated before, so more of it does not reconcile.
    expect(result).toMatchObject({ accepted: 1, rejected: 1, duplicates: 0 });
    const history = await sql<{ id: string; amount: string }>`select c.id, t.amount
      from transactions t join customers c on c.account_id = t.account_id and c.uuid = t.customer_uuid
      where t.account_id = ${accountId} and t.migration_key like 'txn:%' order by c.id, t.amount`.execute(
      t.db,
    );
    expect(history.rows).toEqual([
      { id: "old", amount: "5" },
      { id: "renamed", amount: "-5" },
      { id: "renamed", amount: "5" },
    ]);
  });

  it("leaves a batch naming one customer twice to the per-item path", async () => {
    const { accountId, r } = await account();
    const { result, paths } = await importRows(accountId, "twice-customers.ndjson", [
      { id: "x", balance: [{ reward_id: r, amount: 1 }] },
      { id: "x", name: "X" },
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: 0 });
    expect(paths).toEqual([false]);
  });

  it("redoes a batch item by item when its bulk transaction fails, with the per-item outcome", async () => {
    const { accountId, r } = await account();
    const customers = await writeNdjson(join(dir, "redo-customers.ndjson"), [
      { id: "p", balance: [{ reward_id: r, amount: 5 }] },
      { id: "q", balance: [{ reward_id: r, amount: 7 }] },
    ]);
    await importFile({ db: t.db, now, accountId, file: customers });
    // The failure to recover from, standing in for e.g. a unique violation from a concurrent
    // writer: a trigger refusing any statement that writes two history rows at once, which
    // the bulk path does and the per-item path (one customer per statement) does not.
    await sql`create function refuse_two_history_rows() returns trigger language plpgsql as $$
      begin
        if (select count(*) from inserted where migration_key like 'txn:%') > 1 then
          raise exception 'two history rows in one statement';
        end if;
        return null;
      end $$`.execute(t.db);
    await sql`create trigger refuse_two_history_rows after insert on transactions
      referencing new table as inserted for each statement
      execute function refuse_two_history_rows()`.execute(t.db);
    const errors: unknown[] = [];
    const paths: boolean[] = [];
    const file = await writeNdjson(join(dir, "redo-transactions.ndjson"), [
      {
        id: "p",
        transactions: [{ reward_id: r, type: "ACCUMULATION", amount: 5, issued_at: "2024-01-02" }],
      },
      {
        id: "q",
        transactions: [{ reward_id: r, type: "ACCUMULATION", amount: 7, issued_at: "2024-01-02" }],
      },
    ]);
    const result = await importFile({
      db: t.db,
      now,
      accountId,
      file,
      onBulkError: (error) => errors.push(error),
      onBatch: (b) => paths.push(b.bulk),
    }).finally(async () => {
      await sql`drop trigger refuse_two_history_rows on transactions`.execute(t.db);
      await sql`drop function refuse_two_history_rows()`.execute(t.db);
    });
    expect(errors).toEqual([
      expect.objectContaining({ message: "two history rows in one statement" }),
    ]);
    expect(paths).toEqual([false]);
    // Item by item, both histories reconcile with their balances.
    expect(result).toMatchObject({ accepted: 2, rejected: 0, duplicates: 0 });
    const history = await sql<{ id: string; amount: string }>`select c.id, t.amount
      from transactions t join customers c on c.account_id = t.account_id and c.uuid = t.customer_uuid
      where t.account_id = ${accountId} and t.migration_key like 'txn:%' order by c.id`.execute(
      t.db,
    );
    expect(history.rows).toEqual([
      { id: "p", amount: "5" },
      { id: "q", amount: "7" },
    ]);
  });
});
