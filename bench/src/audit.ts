import { performance } from "node:perf_hooks";
import { createDb, type Db, migrateToLatest } from "@tally/db";
import { auditLedger, type LedgerMismatch } from "@tally/service";
import { sql } from "kysely";
import { customersFor, EXPECTED_FINDINGS, seedLedger } from "./audit-seed.ts";
import { serverUrl } from "./harness.ts";
import { scratchDatabase } from "./pg.ts";
import { fmt } from "./stats.ts";

// The ledger audit (`pnpm admin audit [--account ID]`) on about 1M transactions, against the
// audit it replaced, on the same seeded database in the same run.
const TRANSACTIONS = Number(process.env.BENCH_AUDIT_TRANSACTIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_AUDIT_RUNS ?? 3);
/** How long the old whole-database audit may run before it is cancelled (0: not tried). */
const OLD_TIMEOUT_S = Number(process.env.BENCH_AUDIT_OLD_TIMEOUT ?? 60);

/**
 * The audit as it was before (the baseline): its lot check looked up each lot's migrated
 * history with a correlated `not exists` inside an OR. PostgreSQL answers that with a hashed
 * subplan while the account's history rows fit in work_mem, and past that with one scan of
 * the account's transactions per lot: quadratic. Its account filter applied after the
 * reward sums of the whole database.
 */
async function oldAuditLedger(db: Db, accountId?: string): Promise<LedgerMismatch[]> {
  const accountFilter = accountId ? sql`and w.account_id = ${accountId}` : sql``;
  const r = await sql<LedgerMismatch>`
    with t as (
      select account_id, wallet_id, reward_id, sum(amount) as total from transactions group by 1, 2, 3
    ), l as (
      select account_id, wallet_id, reward_id, sum(remaining) as total from wallet_lines group by 1, 2, 3
    )
    select 'reward' as kind, w.account_id, w.customer_uuid, coalesce(t.reward_id, l.reward_id) as reward_id,
           coalesce(t.total, 0)::text as ledger, coalesce(l.total, 0)::text as lines
    from t full join l on t.account_id = l.account_id and t.wallet_id = l.wallet_id and t.reward_id = l.reward_id
    join wallets w on w.account_id = coalesce(t.account_id, l.account_id) and w.id = coalesce(t.wallet_id, l.wallet_id)
    where coalesce(t.total, 0) <> coalesce(l.total, 0) ${accountFilter}
  `.execute(db);
  const lotFilter = accountId ? sql`and l.account_id = ${accountId}` : sql``;
  const lots = await sql<LedgerMismatch>`
    with t as (
      select account_id, line_id, sum(amount) as total from transactions
      where line_id is not null group by 1, 2
    ), h as (
      select account_id, line_id, sum(amount) as total from reservations
      where status = 'HELD' group by 1, 2
    )
    select 'lot' as kind, l.account_id, w.customer_uuid, l.reward_id, l.id as line_id,
           coalesce(t.total, 0)::text as ledger, l.remaining::text as remaining,
           l.reserved::text as reserved, coalesce(h.total, 0)::text as held
    from wallet_lines l
    join wallets w on w.account_id = l.account_id and w.id = l.wallet_id
    left join t on t.account_id = l.account_id and t.line_id = l.id
    left join h on h.account_id = l.account_id and h.line_id = l.id
    where (l.remaining < 0 or l.reserved <> coalesce(h.total, 0) or l.reserved > l.remaining
       or (l.remaining <> coalesce(t.total, 0) and not exists (
         select 1 from transactions u
         where u.account_id = l.account_id and u.wallet_id = l.wallet_id
           and u.reward_id = l.reward_id and u.line_id is null
       ))) ${lotFilter}
  `.execute(db);
  return [...r.rows, ...lots.rows];
}

type Audit = (db: Db, accountId?: string) => Promise<LedgerMismatch[]>;

async function timed(audit: Audit, db: Db, accountId?: string) {
  const started = performance.now();
  const findings = await audit(db, accountId);
  return { seconds: (performance.now() - started) / 1000, findings };
}

/** RUNS runs; answers their median time and the first one's findings. */
async function median(audit: Audit, db: Db, accountId?: string) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(audit, db, accountId));
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  return {
    seconds: seconds[Math.floor(seconds.length / 2)]!,
    all: seconds,
    findings: runs[0]!.findings,
  };
}

/** Findings as a sorted list of JSON lines: equal when the two audits found the same. */
const asSet = (findings: LedgerMismatch[]) => findings.map((f) => JSON.stringify(f)).sort();
const same = (a: LedgerMismatch[], b: LedgerMismatch[]) =>
  JSON.stringify(asSet(a)) === JSON.stringify(asSet(b));

function check(ok: boolean, what: string) {
  if (!ok) throw new Error(`audit bench: ${what}`);
  return "yes";
}

const scratch = await scratchDatabase(serverUrl(), "tally_bench_audit");
const { db } = createDb({ databaseUrl: scratch.url, poolSize: 2 });
try {
  await migrateToLatest(db);
  const started = performance.now();
  const accounts = await seedLedger(db, scratch.url, customersFor(TRANSACTIONS));
  const counts = await sql<{ account_id: string; n: number }>`
    select account_id, count(*)::int as n from transactions group by 1`.execute(db);
  const txns = new Map(counts.rows.map((r) => [r.account_id, r.n]));
  const total = [...txns.values()].reduce((s, n) => s + n, 0);
  const [lots, reservations] = await Promise.all(
    ["wallet_lines", "reservations"].map(async (table) =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db))
          .rows[0]!.n,
      ),
    ),
  );
  console.log(
    `audit bench: ${total} transactions, ${customersFor(TRANSACTIONS)} customers in ${accounts.length} accounts ` +
      `(one in five with a migrated history), ${lots} lots, ${reservations} reservations; ` +
      `seeded in ${fmt((performance.now() - started) / 1000, 1)} s`,
  );

  const whole = await median(auditLedger, db);
  console.log(
    `whole database:  ${fmt(whole.seconds)} s (median of ${whole.all.map((s) => fmt(s)).join(", ")}), ` +
      `${whole.findings.length} findings (expected ${EXPECTED_FINDINGS}: ` +
      `${check(whole.findings.length === EXPECTED_FINDINGS, `found ${JSON.stringify(whole.findings, null, 1)}`)})`,
  );
  const perAccount: LedgerMismatch[] = [];
  for (const accountId of accounts) {
    const scoped = await median(auditLedger, db, accountId);
    perAccount.push(...scoped.findings);
    check(
      scoped.findings.every((f) => f.account_id === accountId),
      "an account's audit reported another account",
    );
    console.log(
      `account ${accountId.slice(-4)} (${txns.get(accountId)} transactions): ${fmt(scoped.seconds)} s, ${scoped.findings.length} findings`,
    );
  }
  console.log(
    `the accounts' findings together = the whole database's: ${check(same(perAccount, whole.findings), "they differ")}`,
  );

  // The old audit where it finishes: the smallest account, each of whose migrated lots it
  // looked up in the account's transactions.
  const smallest = accounts.at(-1)!;
  const newSmall = await median(auditLedger, db, smallest);
  const oldSmall = await timed(oldAuditLedger, db, smallest);
  console.log(
    `old audit, account ${smallest.slice(-4)} (${txns.get(smallest)} transactions): ${fmt(oldSmall.seconds)} s ` +
      `against ${fmt(newSmall.seconds)} s now, ratio ${fmt(oldSmall.seconds / newSmall.seconds, 0)}; ` +
      `same findings: ${check(same(oldSmall.findings, newSmall.findings), "old and new differ")}`,
  );
  if (OLD_TIMEOUT_S > 0) {
    try {
      const old = await db.transaction().execute(async (trx) => {
        await sql`select set_config('statement_timeout', ${String(OLD_TIMEOUT_S * 1000)}, true)`.execute(
          trx,
        );
        return timed(oldAuditLedger, trx);
      });
      console.log(
        `old audit, whole database: ${fmt(old.seconds)} s, ratio ${fmt(old.seconds / whole.seconds, 0)}; ` +
          `same findings: ${check(same(old.findings, whole.findings), "old and new differ")}`,
      );
    } catch (e) {
      if ((e as { code?: string }).code !== "57014") throw e;
      console.log(
        `old audit, whole database: did not finish in ${OLD_TIMEOUT_S} s (cancelled), ` +
          `ratio > ${fmt(OLD_TIMEOUT_S / whole.seconds, 0)}`,
      );
    }
  }
} finally {
  await db.destroy();
  await scratch.drop();
}
