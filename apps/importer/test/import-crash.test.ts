import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "@tally/db";
import { importFile } from "@tally/import";
import { tempDir, writeNdjson } from "@tally/import/testing";
import { auditLedger } from "@tally/service";
import { createTestDatabase, newAccount, type TestDatabase } from "@tally/service/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const CWD = fileURLToPath(new URL("..", import.meta.url));
const now = () => new Date();

/** Starts the CLI as a child process against `url`. */
function startCli(url: string | undefined, args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: CWD,
    env: { ...process.env, DATABASE_URL: url, INIT_CWD: CWD },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  const [code] = await once(child, "exit");
  return code as number | null;
}

describe("importer CLI", () => {
  it("exits 2 on a usage error", async () => {
    expect(await exitCode(startCli(undefined, ["--dry-run"]))).toBe(2);
    expect(
      await exitCode(startCli(undefined, ["x.ndjson", "--account", "a", "--batch-size", "0"])),
    ).toBe(2);
  });
});

const CUSTOMERS = 2500;
const PER_CUSTOMER = 3;

/** Opening balances and their histories for CUSTOMERS customers (amounts exact to 2 decimals). */
function generate(rewardId: string) {
  const customers: unknown[] = [];
  const history: unknown[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const amounts = Array.from(
      { length: PER_CUSTOMER },
      (_, j) => ((c * 7 + j * 13) % 900) + 1 + j / 4,
    );
    const cents = amounts.reduce((s, a) => s + Math.round(a * 100), 0);
    customers.push({
      id: `cu${c}`,
      registration_date: "2023-01-01",
      balance: [{ reward_id: rewardId, amount: cents / 100 }],
    });
    history.push({
      id: `cu${c}`,
      transactions: amounts.map((amount, j) => ({
        reward_id: rewardId,
        type: "ACCUMULATION",
        amount,
        issued_at: `2024-01-${String(j + 1).padStart(2, "0")}`,
      })),
    });
  }
  return { customers, history };
}

/** What must be equal between two databases: balances and ledger rows, by customer id. */
async function stateOf(db: Db, accountId: string) {
  const r = await sql<{ id: string; type: string; amount: string; issued_at: Date; n: number }>`
    select c.id, t.type, t.amount::text as amount, t.issued_at, count(*)::int as n
    from transactions t join customers c on c.account_id = t.account_id and c.uuid = t.customer_uuid
    where t.account_id = ${accountId}
    group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(db);
  const lots = await sql<{ id: string; remaining: string }>`
    select c.id, sum(l.remaining)::text as remaining
    from wallet_lines l join wallets w on w.account_id = l.account_id and w.id = l.wallet_id
    join customers c on c.account_id = w.account_id and c.uuid = w.customer_uuid
    where l.account_id = ${accountId} group by 1 order by 1`.execute(db);
  return { ledger: r.rows, balances: lots.rows };
}

describe.runIf(process.env.DATABASE_URL)("crash and resume (PostgreSQL)", () => {
  let crashed: TestDatabase;
  let clean: TestDatabase;
  beforeAll(async () => {
    [crashed, clean] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(() => Promise.all([crashed?.destroy(), clean?.destroy()]));

  it("a SIGKILLed import rerun to completion equals a clean run, nothing applied twice", async () => {
    const dir = await tempDir();
    const prepare = async (t: TestDatabase, name: string) => {
      const { accountId, rewardId } = await newAccount(t.db, now);
      const { customers, history } = generate(rewardId);
      const cFile = await writeNdjson(join(dir, `${name}-customers.ndjson`), customers);
      await importFile({ db: t.db, now, accountId, file: cFile, concurrency: 8 });
      const file = await writeNdjson(join(dir, `${name}-transactions.ndjson`), history);
      return { accountId, file };
    };
    const a = await prepare(crashed, "crashed");
    const b = await prepare(clean, "clean");
    const args = (file: string, accountId: string) => [
      file,
      "--account",
      accountId,
      "--batch-size",
      "50",
      "--concurrency",
      "2",
    ];

    const child = startCli(crashed.url, args(a.file, a.accountId));
    let committed = 0;
    while (committed === 0 || committed < 10) {
      await new Promise((r) => setTimeout(r, 25));
      const row = await crashed.db
        .selectFrom("import_checkpoints")
        .select(["line", "completed_at"])
        .where("account_id", "=", a.accountId)
        .where("type", "=", "TRANSACTIONS")
        .executeTakeFirst();
      expect(row?.completed_at ?? null).toBeNull();
      committed = row?.line ?? 0;
    }
    child.kill("SIGKILL");
    expect(await exitCode(child)).toBeNull();
    expect(committed).toBeLessThan(CUSTOMERS);

    const rerun = startCli(crashed.url, args(a.file, a.accountId));
    let out = "";
    rerun.stdout!.on("data", (d) => (out += d));
    expect(await exitCode(rerun)).toBe(0);
    const result = JSON.parse(out.trim().split("\n").pop()!);
    expect(result.lines).toBe(CUSTOMERS);
    expect(result.skippedByCheckpoint).toBeGreaterThanOrEqual(committed);
    expect(result.rejected).toBe(0);

    expect(await exitCode(startCli(clean.url, args(b.file, b.accountId)))).toBe(0);
    const [x, y] = await Promise.all([
      stateOf(crashed.db, a.accountId),
      stateOf(clean.db, b.accountId),
    ]);
    expect(x.ledger.length).toBeGreaterThan(CUSTOMERS * PER_CUSTOMER);
    expect(x).toEqual(y);
    expect(await auditLedger(crashed.db)).toEqual([]);
    expect(await auditLedger(clean.db)).toEqual([]);
  }, 120_000);

  it("exits 1 when a row was rejected", async () => {
    const { accountId } = await newAccount(clean.db, now);
    const dir = await tempDir();
    const file = await writeNdjson(join(dir, "x-customers.ndjson"), [{ id: "ok" }, { id: "" }]);
    expect(await exitCode(startCli(clean.url, [file, "--account", accountId]))).toBe(1);
  }, 60_000);
});
