import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DomainError, dec, notFound } from "@tally/core";
import type { TMigrateTransaction } from "@tally/schemas";
import {
  type AppliedItem,
  checkRewards,
  failed,
  reconciliationProblem,
  recordKeys,
  retryTransient,
} from "@tally/service";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import {
  COPY_STAGING,
  CREATE_STAGING,
  DECIDE,
  INSERT_LEDGER,
  LOCK_WALLETS,
  MARK_DUPLICATES,
} from "./copy-sql.ts";

type Item = { id: string; transactions: TMigrateTransaction[] };

/** A statement run in the batch's transaction (the importer's checkpoint). */
export type TRunQuery = (q: { sql: string; parameters: readonly unknown[] }) => Promise<void>;

export interface CopyBatchOptions {
  pool: pg.Pool;
  accountId: string;
  now: Date;
  /** Validated items, each naming another customer. */
  items: Item[];
  dryRun?: boolean;
  /** Runs in the batch's transaction with the outcomes, before it commits. */
  beforeCommit?: (run: TRunQuery, applied: AppliedItem[]) => Promise<void>;
}

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
/** A value as COPY's text format spells it (null is \N). */
const field = (v: string | null | undefined): string =>
  v == null ? "\\N" : SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : v;

const INSTANTS = new Map<string, string>();
/** The instant `new Date(text)` means, as ISO text (cached: migrated files repeat their dates). */
function instant(text: string): string {
  let out = INSTANTS.get(text);
  if (out === undefined) {
    out = new Date(text).toISOString();
    if (INSTANTS.size >= 10_000) INSTANTS.clear();
    INSTANTS.set(text, out);
  }
  return out;
}

/** The staged records of the batch as COPY text, in chunks of about 64 KB. */
function* stagingText(items: Item[]): Generator<string> {
  let chunk = "";
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const keys = recordKeys("txn", item.id, item.transactions);
    const prefix = `${i + 1}\t`;
    for (let j = 0; j < item.transactions.length; j++) {
      const t = item.transactions[j]!;
      chunk += `${prefix}${j}\t${t.reward_id}\t${t.type}\t${t.amount}\t${t.cost ?? 0}\t${instant(t.issued_at)}\t${field(t.resolved_at)}\t${field(t.brand_id)}\t${field(t.channel_id)}\t${field(t.store_id)}\t${field(t.funded_by)}\t${field(t.details)}\t${t.event == null ? "\\N" : field(JSON.stringify(t.event))}\t${keys[j]}\n`;
    }
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk.length > 0) yield chunk;
}

type Decision = {
  kind: "dups" | "reward" | "mismatch";
  item: number;
  records: number | null;
  j: number | null;
  reward_id: string | null;
  total: string | null;
  expected: string | null;
  migrated: boolean;
};

/** Each item's outcome from its wallet and what DECIDE said of it, in the per-item path's order of checks. */
function outcomesOf(items: Item[], locked: Set<number>, decisions: Decision[]): AppliedItem[] {
  const dups = new Map<number, number>();
  const missing = new Map<number, number>();
  const mismatches = new Map<number, Decision[]>();
  for (const d of decisions) {
    if (d.kind === "dups") dups.set(d.item, d.records!);
    else if (d.kind === "reward") missing.set(d.item, d.j!);
    else mismatches.set(d.item, [...(mismatches.get(d.item) ?? []), d]);
  }
  return items.map((item, i): AppliedItem => {
    const n = i + 1;
    if (!locked.has(n)) return failed(notFound("customer", item.id));
    const outcome = { records: item.transactions.length, duplicates: dups.get(n) ?? 0 };
    if (outcome.duplicates === outcome.records) return { ok: true, ...outcome };
    try {
      const j = missing.get(n);
      if (j !== undefined) {
        const absent = item.transactions[j]!.reward_id;
        const found = new Map(item.transactions.map((t) => [t.reward_id, t]));
        found.delete(absent);
        checkRewards(found, item.transactions, "transactions");
      }
      const problems = (mismatches.get(n) ?? [])
        .sort((a, b) => a.j! - b.j!)
        .map((d) =>
          reconciliationProblem({
            rewardId: d.reward_id!,
            records: d.records!,
            sum: dec(d.total!),
            expected: dec(d.expected!),
            migrated: d.migrated,
          }),
        )
        .filter((p) => p !== undefined);
      if (problems.length > 0)
        throw new DomainError("RECONCILIATION_MISMATCH", problems.join("; "));
      return { ok: true, ...outcome };
    } catch (error) {
      return failed(error);
    }
  });
}

/** One try of the batch on `client`, in one transaction. */
async function applyOnce(client: pg.PoolClient, opts: CopyBatchOptions): Promise<AppliedItem[]> {
  const { accountId, items } = opts;
  await client.query("begin");
  await client.query(CREATE_STAGING);
  await pipeline(Readable.from(stagingText(items)), client.query(copyFrom(COPY_STAGING)));
  const wallets = await client.query<{ item: number; uuid: string; wallet_id: string }>(
    LOCK_WALLETS,
    [accountId, items.map((i) => i.id)],
  );
  const w = wallets.rows;
  const itemsOf = w.map((r) => r.item);
  if (w.length > 0) await client.query(MARK_DUPLICATES, [accountId, itemsOf, w.map((r) => r.uuid)]);
  const decisions = await client.query<Decision>(DECIDE, [
    accountId,
    itemsOf,
    w.map((r) => r.wallet_id),
  ]);
  const applied = outcomesOf(items, new Set(itemsOf), decisions.rows);
  const writing = w.filter((r) => {
    const a = applied[r.item - 1]!;
    return a.ok && a.duplicates < a.records;
  });
  if (writing.length > 0)
    await client.query(INSERT_LEDGER, [
      accountId,
      opts.now,
      writing.map((r) => r.item),
      writing.map((r) => r.wallet_id),
      writing.map((r) => r.uuid),
    ]);
  await opts.beforeCommit?.(async (q) => {
    await client.query(q.sql, q.parameters as unknown[]);
  }, applied);
  await client.query(opts.dryRun ? "rollback" : "commit");
  return applied;
}

/**
 * The transactions migration of many customers (distinct ids) through COPY, on PostgreSQL
 * (docs/api-decisions.md#migrations-and-imports): the batch's records are streamed into a
 * session's staging table and applied by set-wise statements in one transaction — lock the
 * wallets (ascending id), mark records the customers hold already as duplicates, find each
 * customer's missing rewards and unreconciled rewards, insert the replacement and history rows of
 * the others. Same outcomes, reasons and ledger rows as the per-item path; keys are computed by
 * its own function, reasons worded by its own functions. Deadlocks are retried; any other
 * error is thrown with nothing written.
 */
export async function applyTransactionsByCopy(opts: CopyBatchOptions): Promise<AppliedItem[]> {
  return retryTransient(async () => {
    const client = await opts.pool.connect();
    try {
      const applied = await applyOnce(client, opts);
      client.release();
      return applied;
    } catch (error) {
      // A connection whose transaction may still be open is not handed out again.
      await client.query("rollback").catch(() => {});
      client.release(error as Error);
      throw error;
    }
  });
}
