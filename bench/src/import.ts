import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createDb, migrateToLatest } from "@tally/db";
import { ZRewardInsertSchema } from "@tally/schemas";
import { createAccount, createReward } from "@tally/service";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { scratchDatabase } from "./pg.ts";
import { samplePostgresCpu } from "./pg-cpu.ts";

// The importer CLI on 1M migrated transactions for 100k customers (docs/api-decisions.md#migrations-and-imports),
// against raw COPY of the same rows. Targets: the transactions file in ≤ 30 s, ≤ 10 s of importer
// CPU, peak RSS < 300 MB; PostgreSQL's CPU printed beside them.
const BASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_IMPORT_CUSTOMERS ?? Math.max(1, Math.round(ROWS / 10)));
const CONCURRENCY = process.env.BENCH_IMPORT_CONCURRENCY ?? "8";
const CLI = fileURLToPath(new URL("../../apps/importer/src/cli.ts", import.meta.url));
const IMPORTER_DIR = fileURLToPath(new URL("../../apps/importer", import.meta.url));
// The heap limits of the importer's `import` script (apps/importer/package.json): V8 otherwise
// lets a streaming process's heap grow far past what it holds live.
const NODE_FLAGS = ["--max-old-space-size=160", "--max-semi-space-size=8"];
// BENCH_IMPORT_CPU_PROF=<dir>: the importer writes a V8 CPU profile of each run there.
const PROFILE_DIR = process.env.BENCH_IMPORT_CPU_PROF;
const PROFILE_FLAGS = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];

/** Writes lines from a generator to a file, respecting back-pressure. */
async function writeLines(path: string, lines: Iterable<string>) {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(`${line}\n`)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

/** Customer c's transactions: amounts in whole cents, so their exact sum is an integer of cents. */
function* transactionsOf(c: number) {
  const n = Math.floor(ROWS / CUSTOMERS) + (c < ROWS % CUSTOMERS ? 1 : 0);
  for (let j = 0; j < n; j++)
    yield { cents: ((c * 31 + j * 17) % 50_000) + 1, day: (j % 28) + 1, month: (j % 12) + 1 };
}

const iso = (t: { day: number; month: number }) =>
  `2024-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`;

function* customerLines(rewardId: string) {
  for (let c = 0; c < CUSTOMERS; c++) {
    let cents = 0;
    for (const t of transactionsOf(c)) cents += t.cents;
    yield JSON.stringify({
      id: `c${c}`,
      registration_date: "2023-01-01",
      balance: [{ reward_id: rewardId, amount: cents / 100 }],
    });
  }
}

function* transactionLines(rewardId: string) {
  for (let c = 0; c < CUSTOMERS; c++) {
    const transactions = [...transactionsOf(c)].map((t) => ({
      reward_id: rewardId,
      type: "ACCUMULATION",
      amount: t.cents / 100,
      issued_at: iso(t),
    }));
    yield JSON.stringify({ id: `c${c}`, transactions });
  }
}

function* copyLines(rewardId: string) {
  for (let c = 0; c < CUSTOMERS; c++)
    for (const t of transactionsOf(c))
      yield `c${c},${rewardId},ACCUMULATION,${(t.cents / 100).toFixed(2)},${iso(t)}`;
}

/** Runs the importer CLI as a child; answers its wall time, CPU, result line, peak RSS and PostgreSQL's CPU. */
async function runCli(url: string, file: string, accountId: string) {
  const server = await samplePostgresCpu(url);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      ...PROFILE_FLAGS,
      "--import",
      "tsx",
      CLI,
      file,
      "--account",
      accountId,
      "--concurrency",
      CONCURRENCY,
    ],
    {
      cwd: IMPORTER_DIR,
      env: { ...process.env, DATABASE_URL: url, INIT_CWD: IMPORTER_DIR, IMPORT_PRINT_USAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const [code] = await once(child, "exit");
  const seconds = (performance.now() - started) / 1000;
  const pgCpuSeconds = await server.stop();
  if (code !== 0) throw new Error(`importer exited ${code}:\n${err}\n${out}`);
  const rssKb = Number(/maxRSS_kb=(\d+)/.exec(err)?.[1] ?? Number.NaN);
  const cpuSeconds = Number(/cpu_us=(\d+)/.exec(err)?.[1] ?? Number.NaN) / 1e6;
  return {
    seconds,
    cpuSeconds,
    result: JSON.parse(out.trim().split("\n").pop()!),
    rssMb: rssKb / 1024,
    pgCpuSeconds,
  };
}

/** Times COPY of `file` (`copySql`) on its own connection, after `prepare` made its table. */
async function timeCopyInto(
  url: string,
  file: string,
  copySql: string,
  prepare: (client: pg.Client) => Promise<unknown>,
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await prepare(client);
    const started = performance.now();
    await pipeline(createReadStream(file), client.query(copyFrom(copySql)));
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

/** Times COPY of the same rows into a plain table. */
const timeCopy = (url: string, file: string) =>
  timeCopyInto(url, file, "copy raw_transactions from stdin with (format csv)", (client) =>
    client.query(
      "create table raw_transactions (customer_id text, reward_id uuid, type text, amount numeric, issued_at timestamptz)",
    ),
  );

/**
 * Times COPY of the ledger rows the import wrote into a new table shaped like the ledger
 * (its indexes and foreign keys): what storing exactly these rows costs the server with no
 * importer at all. Its ratio to raw COPY is the most any importer of this ledger could reach.
 */
const timeLedgerCopy = (url: string, file: string) =>
  timeCopyInto(url, file, "copy ledger_copy from stdin", async (client) => {
    await pipeline(
      client.query(
        copyTo("copy (select * from transactions where migration_key like 'txn:%') to stdout"),
      ),
      createWriteStream(file),
    );
    await client.query("create table ledger_copy (like transactions including all)");
    const fks = await client.query<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint
       where conrelid = 'transactions'::regclass and contype = 'f'`,
    );
    for (const { def } of fks.rows) await client.query(`alter table ledger_copy add ${def}`);
  });

const scratch = await scratchDatabase(BASE_URL, "tally_bench_import");
const dir = await mkdtemp(join(tmpdir(), "tally-bench-import-"));
try {
  const { db } = createDb({ databaseUrl: scratch.url });
  await migrateToLatest(db);
  const { id: accountId } = await createAccount(db, { name: "bench-import" });
  const now = () => new Date();
  const reward = await createReward(
    { db, now },
    accountId,
    ZRewardInsertSchema.parse({ name: "Points", type: "POINTS" }),
  );
  await db.destroy();
  const files = {
    customers: join(dir, "bench-customers.ndjson"),
    transactions: join(dir, "bench-transactions.ndjson"),
    copy: join(dir, "copy.csv"),
  };
  await writeLines(files.customers, customerLines(reward.id));
  await writeLines(files.transactions, transactionLines(reward.id));
  await writeLines(files.copy, copyLines(reward.id));
  console.log(
    `import bench: ${ROWS} transactions for ${CUSTOMERS} customers, concurrency ${CONCURRENCY}`,
  );

  const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
  const line = (name: string, r: Awaited<ReturnType<typeof runCli>>, rows: number) =>
    `${name} ${r.seconds.toFixed(1)} s wall, ${Math.round(rows / r.seconds)} rows/s; importer CPU ${r.cpuSeconds.toFixed(1)} s (${((r.cpuSeconds / rows) * 1e6).toFixed(1)} µs a row); peak RSS ${r.rssMb.toFixed(0)} MB; PostgreSQL CPU ${r.pgCpuSeconds.toFixed(1)} s`;
  const customers = await runCli(scratch.url, files.customers, accountId);
  console.log(line("customers:   ", customers, CUSTOMERS));
  const txns = await runCli(scratch.url, files.transactions, accountId);
  if (txns.result.rejected > 0) throw new Error(`rejected: ${JSON.stringify(txns.result)}`);
  const importRate = ROWS / txns.seconds;
  console.log(line("transactions:", txns, ROWS));
  console.log(
    `targets (transactions file): wall ${txns.seconds.toFixed(1)} s ≤ 30: ${verdict(txns.seconds <= 30)}; ` +
      `importer CPU ${txns.cpuSeconds.toFixed(1)} s ≤ 10: ${verdict(txns.cpuSeconds <= 10)}; ` +
      `peak RSS ${txns.rssMb.toFixed(0)} MB < 300: ${verdict(txns.rssMb < 300)}; ` +
      `PostgreSQL CPU ${txns.pgCpuSeconds.toFixed(1)} s (no target)`,
  );
  const copySeconds = await timeCopy(scratch.url, files.copy);
  const copyRate = ROWS / copySeconds;
  console.log(`raw COPY:     ${copySeconds.toFixed(2)} s, ${Math.round(copyRate)} rows/s`);
  const ledgerSeconds = await timeLedgerCopy(scratch.url, join(dir, "ledger.copy"));
  console.log(
    `ledger COPY:  ${ledgerSeconds.toFixed(2)} s, ${Math.round(ROWS / ledgerSeconds)} rows/s ` +
      `(the imported ledger rows into a copy of the ledger table, its indexes and foreign keys: no importer)`,
  );
  const ratio = importRate / copyRate;
  console.log(
    `ratio import/COPY ${ratio.toFixed(3)} (target ≥ 0.3: ${verdict(ratio >= 0.3)}); ` +
      `ceiling ledger COPY/raw COPY ${(copySeconds / ledgerSeconds).toFixed(3)}; ` +
      `import/ledger COPY ${(ledgerSeconds / txns.seconds).toFixed(3)}`,
  );
  console.log(
    `whole import ${(customers.seconds + txns.seconds).toFixed(1)} s (target ≤ 60: ${verdict(customers.seconds + txns.seconds <= 60)}); ` +
      `peak RSS ${Math.max(customers.rssMb, txns.rssMb).toFixed(0)} MB (target < 300: ${verdict(Math.max(customers.rssMb, txns.rssMb) < 300)})`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
  await scratch.drop();
}
