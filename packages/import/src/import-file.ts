import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { type Db, pgPoolOf } from "@tally/db";
import { MIGRATION_TYPES, type TMigrateTransaction, type TMigrationType } from "@tally/schemas";
import {
  type AppliedItem,
  applyMigrationBatch,
  applyMigrationItem,
  refreshImportStatistics,
} from "@tally/service";
import {
  checkpointQuery,
  fingerprintFile,
  loadCheckpoint,
  saveCheckpoint,
  type TCheckpoint,
} from "./checkpoint.ts";
import { applyTransactionsByCopy, type TRunQuery } from "./copy-transactions.ts";
import { openReport, type TRejectedRow } from "./report.ts";
import { readItems } from "./source.ts";
import type { TSourceItem } from "./validate.ts";

/** Counts of an import run; lines are data lines (CSV: rows), duplicates are records already migrated. */
export interface TImportResult {
  lines: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  skippedByCheckpoint: number;
  /**
   * Rows rejected in the whole file, this run and any earlier interrupted run of it (from its
   * checkpoint): what the exit code and the inbox go by, so a resumed import never forgets a
   * row its first run rejected. A dry run counts only itself.
   */
  fileRejected: number;
}

/** What `onProgress` is told after every committed batch. */
export interface TImportProgress extends TImportResult {
  bytes: number;
  totalBytes: number;
}

export interface ImportFileOptions {
  db: Db;
  now: () => Date;
  accountId: string;
  file: string;
  /** Default: from the file name (customers / events / transactions). */
  type?: "customers" | "events" | "transactions" | TMigrationType;
  /** Default: from the extension (.csv, else NDJSON). */
  format?: "ndjson" | "csv";
  /** Validates and applies every item in a rolled-back transaction: nothing is written but the report. */
  dryRun?: boolean;
  /**
   * Default: `<file>.rejected.ndjson` (`<file>.dry-run.rejected.ndjson` for a dry run, so a dry
   * run never replaces the report of an interrupted real one).
   */
  reportFile?: string;
  /** Customer items per committed batch (default 1000). */
  batchSize?: number;
  /** Items applied at once, each in its own transaction (default 1; PostgreSQL pools may use more). */
  concurrency?: number;
  /**
   * Applies each batch set-wise in one transaction together with its checkpoint (default
   * true); false, or a batch the bulk path declines, uses the per-item path.
   */
  bulk?: boolean;
  /**
   * On PostgreSQL, a transactions file's batches are streamed with COPY into a staging table and
   * applied set-wise from there (default true; see copy-transactions.ts). Ignored on PGlite, with
   * `bulk: false`, and for other types.
   */
  copy?: boolean;
  /**
   * Files of at least this many bytes refresh the planner statistics of the tables they fill
   * at the start and after batch 1, 2, 4, 8, … (default 1 MB; a smaller import moves them too
   * little to matter). Never in a dry run.
   */
  analyzeMinBytes?: number;
  /** Told when refreshing the statistics failed (the import goes on without). */
  onStatisticsError?: (error: unknown) => void;
  /** Told when a batch's bulk transaction failed and the batch was redone item by item. */
  onBulkError?: (error: unknown) => void;
  /**
   * Told after each batch committed: how many items, whether set-wise (bulk) or item by item,
   * and whether through COPY.
   */
  onBatch?: (b: { items: number; bulk: boolean; copy: boolean }) => void;
  onProgress?: (p: TImportProgress) => void;
}

/** The import type named by `type`, or else by the file name; throws when neither says. */
export function resolveImportType(file: string, type?: string): TMigrationType {
  if (type) {
    const upper = type.toUpperCase() as TMigrationType;
    if (!MIGRATION_TYPES.includes(upper))
      throw new Error(`unknown type ${type}; use customers, events or transactions`);
    return upper;
  }
  const name = basename(file).toLowerCase();
  const found = MIGRATION_TYPES.filter((t) => name.includes(t.toLowerCase().slice(0, -1)));
  if (found.length !== 1)
    throw new Error(`cannot tell the type from the file name ${name}; pass --type`);
  return found[0]!;
}

/** Where an import's rejected rows go unless told. */
export const defaultReportFile = (file: string, dryRun = false): string =>
  `${file}${dryRun ? ".dry-run" : ""}.rejected.ndjson`;

const noop = () => {};

/** The batch before this one failed: this one stops, with that error. */
class Aborted extends Error {
  constructor(override readonly cause: unknown) {
    super("an earlier batch failed");
  }
}

/** What two batches applied at once must not share: customer ids, and emails. */
function conflictKeys(batch: TSourceItem[]): Set<string> {
  const keys = new Set<string>();
  for (const src of batch) {
    if (src.customerId !== null) keys.add(`id:${src.customerId}`);
    const email = (src.item as { email?: unknown } | undefined)?.email;
    if (typeof email === "string") keys.add(`email:${email.toLowerCase()}`);
  }
  return keys;
}

/** Whether two items of the batch name the same customer or the same email. */
function orderMatters(batch: TSourceItem[]): boolean {
  const seen = new Set<string>();
  for (const src of batch) {
    for (const key of conflictKeys([src])) {
      if (seen.has(key)) return true;
      seen.add(key);
    }
  }
  return false;
}

/** Throws unless the account exists. */
async function assertAccount(db: Db, accountId: string) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const found =
    uuid.test(accountId) &&
    (await db.selectFrom("accounts").select("id").where("id", "=", accountId).executeTakeFirst());
  if (!found) throw new Error(`account ${accountId} not found`);
}

/** Runs `work` over `items` with at most `limit` in flight, answers in input order. */
async function mapLimited<T, R>(items: T[], limit: number, work: (x: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Imports an NDJSON or CSV file of migrate items into an account (docs/api-decisions.md#migrations-and-imports): streamed,
 * validated with the migrate schemas, applied item by item under each wallet lock in batches,
 * with a checkpoint per committed batch so a rerun skips what is done; rejected rows go to
 * the report. Throws on usage and IO errors.
 */
export async function importFile(opts: ImportFileOptions): Promise<TImportResult> {
  const file = resolve(opts.file);
  const type = resolveImportType(file, opts.type);
  const format = opts.format ?? (file.toLowerCase().endsWith(".csv") ? "csv" : "ndjson");
  const batchSize = opts.batchSize ?? 1000;
  const { size } = await stat(file);
  await assertAccount(opts.db, opts.accountId);
  const fingerprint = await fingerprintFile(file, type);
  const checkpoint = opts.dryRun
    ? undefined
    : await loadCheckpoint(opts.db, opts.accountId, fingerprint);
  const skipThrough = checkpoint?.line ?? 0;
  const reportFile = opts.reportFile ?? defaultReportFile(file, opts.dryRun);
  const report = await openReport({ file: reportFile, append: checkpoint !== undefined });
  const result: TImportResult = {
    lines: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    skippedByCheckpoint: 0,
    fileRejected: 0,
  };
  let bytes = 0;
  let launchedLine = skipThrough;
  let committed = 0;
  // The tables grow under the planner's feet. A refresh runs beside the batches (one at a
  // time, at most one more waiting); a failed one only costs speed.
  let analyzing: Promise<void> = Promise.resolve();
  let waiting = false;
  const analyze = () => {
    if (opts.dryRun || size < (opts.analyzeMinBytes ?? 1_000_000) || waiting) return analyzing;
    waiting = true;
    analyzing = analyzing.then(() => {
      waiting = false;
      return refreshImportStatistics(opts.db, type).catch((e) => opts.onStatisticsError?.(e));
    });
    return analyzing;
  };
  const ckpt = { accountId: opts.accountId, fingerprint, path: file, size, type };
  const pool =
    type === "TRANSACTIONS" && opts.bulk !== false && opts.copy !== false
      ? pgPoolOf(opts.db)
      : undefined;

  /** The report rows and counts of a batch whose valid items answered `outcomes`. */
  const settle = (batch: TSourceItem[], outcomes: (AppliedItem | undefined)[]) => {
    const rows: TRejectedRow[] = [];
    const counts = { accepted: 0, rejected: 0, duplicates: 0 };
    batch.forEach((src, i) => {
      const applied = outcomes[i];
      if (applied?.ok) {
        counts.accepted += src.lines.length;
        counts.duplicates += applied.duplicates;
        return;
      }
      counts.rejected += src.lines.length;
      const problems = src.problems ?? src.lines.map((line) => ({ line, reason: "" }));
      for (const p of problems)
        rows.push({
          line: p.line,
          customer_id: src.customerId,
          code: applied ? applied.code : "VALIDATION",
          reason: applied ? applied.details : p.reason,
        });
    });
    return { rows, counts };
  };

  /**
   * Applies a batch; `prev` settles when the batch before it has committed: checkpoints
   * (and the report and counts) are recorded in file order even when two batches are
   * applied at once, so a checkpoint never covers an uncommitted line.
   */
  const commit = async (
    batch: TSourceItem[],
    completed: boolean,
    line: number,
    prev: Promise<void>,
  ) => {
    const now = opts.now();
    // The report is written before the checkpoint commits: a crash in between repeats rows, never loses them.
    const record = async (
      save: (c: TCheckpoint) => Promise<void>,
      outcomes: (AppliedItem | undefined)[],
    ) => {
      await prev.catch((error) => {
        throw new Aborted(error);
      });
      const { rows, counts } = settle(batch, outcomes);
      await report.write(rows);
      if (!opts.dryRun) await save({ ...ckpt, ...counts, line, completed, now });
      return counts;
    };
    const inDb = (db: Db) => (c: TCheckpoint) => saveCheckpoint(db, c);
    const onClient = (run: TRunQuery) => (c: TCheckpoint) => run(checkpointQuery(opts.db, c));
    const valid = batch.flatMap((src, i) => (src.item === undefined ? [] : [i]));
    const spread = (applied: AppliedItem[]) => {
      const out: (AppliedItem | undefined)[] = new Array(batch.length);
      valid.forEach((i, j) => {
        out[i] = applied[j];
      });
      return out;
    };
    let counts: Awaited<ReturnType<typeof record>> | undefined;
    let bulk = false;
    let declined = false;
    const copying = pool !== undefined && !orderMatters(batch);
    if (opts.bulk !== false && valid.length > 0) {
      try {
        const items = valid.map((i) => batch[i]!.item as { id: string });
        const applied = copying
          ? await applyTransactionsByCopy({
              pool,
              accountId: opts.accountId,
              now,
              items: items as { id: string; transactions: TMigrateTransaction[] }[],
              dryRun: opts.dryRun,
              beforeCommit: async (run, applied) => {
                counts = await record(onClient(run), spread(applied));
              },
            })
          : await applyMigrationBatch({
              db: opts.db,
              accountId: opts.accountId,
              now,
              type,
              items,
              dryRun: opts.dryRun,
              beforeCommit: async (trx, applied) => {
                counts = await record(inDb(trx), spread(applied));
              },
            });
        if (!applied) counts = undefined;
        bulk = counts !== undefined;
        declined = !bulk;
      } catch (error) {
        if (error instanceof Aborted) throw error.cause;
        counts = undefined;
        declined = true;
        opts.onBulkError?.(error);
      }
    }
    if (!counts) {
      // Item by item in file order when the order may decide the outcome: a customer or an email
      // named twice, or customers the bulk path declined (an email changing hands, say).
      const inOrder = orderMatters(batch) || (declined && type === "CUSTOMERS");
      const limit = inOrder ? 1 : (opts.concurrency ?? 1);
      const outcomes = await mapLimited(batch, limit, (src) =>
        src.item === undefined
          ? Promise.resolve(undefined)
          : applyMigrationItem({
              db: opts.db,
              accountId: opts.accountId,
              now,
              type,
              item: src.item,
              dryRun: opts.dryRun,
            }),
      );
      counts = await record(inDb(opts.db), outcomes);
    }
    opts.onBatch?.({ items: valid.length, bulk, copy: bulk && copying });
    // Fresh statistics after batch 1, 2, 4, 8, …
    committed += 1;
    if ((committed & (committed - 1)) === 0) void analyze();
    result.accepted += counts.accepted;
    result.rejected += counts.rejected;
    result.duplicates += counts.duplicates;
    opts.onProgress?.({ ...result, bytes, totalBytes: size });
  };

  const flights = new Set<{ done: Promise<void>; keys: Set<string> }>();
  let previous: Promise<void> = Promise.resolve();
  /** Starts a batch once fewer than `depth` run and none of them shares a customer (or email) with it. */
  let failure: unknown;
  const launch = async (batch: TSourceItem[], completed: boolean) => {
    if (failure !== undefined) throw failure;
    const keys = conflictKeys(batch);
    const blocking = () =>
      [...flights].filter((f) => flights.size >= depth || [...keys].some((k) => f.keys.has(k)));
    for (let b = blocking(); b.length > 0; b = blocking()) await Promise.race(b.map((f) => f.done));
    if (failure !== undefined) throw failure;
    if (batch.length > 0) launchedLine = batch[batch.length - 1]!.last;
    const run = commit(batch, completed, launchedLine, previous).catch((error) => {
      failure ??= error instanceof Aborted ? error.cause : error;
      throw failure;
    });
    previous = run;
    const flight = { done: run.then(noop, noop), keys };
    flights.add(flight);
    void flight.done.then(() => flights.delete(flight));
  };
  // Batches in the database at once: two on PostgreSQL (one parses while two apply); PGlite has one connection.
  const depth = (opts.concurrency ?? 1) > 1 ? 2 : 1;

  try {
    await analyze();
    let batch: TSourceItem[] = [];
    const source = readItems({ file, format, type, skipThrough, onBytes: (b) => (bytes = b) });
    for await (const event of source) {
      if (event.kind === "skip") {
        result.skippedByCheckpoint += event.lines;
        result.lines += event.lines;
        opts.onProgress?.({ ...result, bytes, totalBytes: size });
        continue;
      }
      batch.push(event.value);
      result.lines += event.value.lines.length;
      if (batch.length >= batchSize) {
        await launch(batch, false);
        batch = [];
      }
    }
    if (batch.length > 0 || !checkpoint?.completed_at) await launch(batch, true);
    await previous;
    // A file imported before whose rows were rejected then: its report says so even where the
    // first run's report is not (the same file dropped in the inbox again).
    if (
      checkpoint?.completed_at &&
      checkpoint.rejected > 0 &&
      !(await stat(reportFile).catch(() => undefined))
    )
      await report.write([
        {
          line: 0,
          customer_id: null,
          code: "ALREADY_IMPORTED",
          reason: `this file was imported on ${checkpoint.completed_at.toISOString()}; ${checkpoint.rejected} line(s) were rejected then (see that run's report)`,
        },
      ]);
  } finally {
    await Promise.all([...flights].map((f) => f.done));
    await analyzing;
    await report.close();
  }
  const stored = opts.dryRun
    ? undefined
    : await loadCheckpoint(opts.db, opts.accountId, fingerprint);
  return { ...result, fileRejected: stored?.rejected ?? result.rejected };
}
