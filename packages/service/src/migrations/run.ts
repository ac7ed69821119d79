import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { MIGRATION_SCHEMAS, type TMigrationError, type TMigrationType } from "@tally/schemas";
import { pgCode, TRANSIENT_PG_CODES } from "../kernel/index.ts";
import { APPLY } from "./apply-item.ts";
import type { JobRow } from "./jobs.ts";
import {
  advanceMigrationJob,
  failMigrationJob,
  finishMigrationJob,
  isLeaseLost,
  type JobLease,
  releaseMigrationJob,
} from "./queue.ts";

/** Tries of an item when PostgreSQL aborts it as a deadlock victim (a fresh clock each try). */
const MAX_TRIES = 3;

/** The per-item error of a failed item; bugs are reported without their internals. */
function itemError(error: unknown, index: number, customerId: string | null): TMigrationError {
  if (error instanceof DomainError)
    return { item: index, customer_id: customerId, code: error.code, details: error.details };
  return {
    item: index,
    customer_id: customerId,
    code: "INTERNAL",
    details: "internal error while applying this item; it has been logged",
  };
}

export interface RunJobOptions {
  db: Db;
  now: () => Date;
  workerId: string;
  leaseMs: number;
  /** Stops between items; the job stays RUNNING, handed back for another worker to resume. */
  signal?: AbortSignal;
  /** Processes at most this many items, then returns with the job still RUNNING (resumable). */
  maxItems?: number;
  onError?: (message: string, error: unknown) => void;
}

/**
 * Runs a claimed job from its first unprocessed item: each customer item in its
 * own transaction together with the job's progress (a crash never applies an item
 * twice and never loses one), a failed item recorded with its error while the
 * others proceed; then the job's final status. Returns false when it stopped
 * before the end (lease lost, aborted, maxItems).
 */
export async function runMigrationJob(job: JobRow, opts: RunJobOptions): Promise<boolean> {
  const type = job.type as TMigrationType;
  const lease: JobLease = {
    accountId: job.account_id,
    jobId: job.id,
    workerId: opts.workerId,
    leaseMs: opts.leaseMs,
  };
  const parsed = MIGRATION_SCHEMAS[type]?.safeParse(job.payload);
  if (!parsed?.success) {
    await failMigrationJob(
      opts.db,
      lease,
      opts.now(),
      `job payload of type ${job.type} is unreadable`,
    );
    return true;
  }
  const batch = parsed.data as { customers: { id: string }[] };
  try {
    const stopAt = Math.min(job.items, job.processed + (opts.maxItems ?? job.items));
    for (let index = job.processed; index < stopAt; index++) {
      if (opts.signal?.aborted) {
        await releaseMigrationJob(opts.db, lease, opts.now());
        return false;
      }
      const item = batch.customers[index]!;
      await runItem(opts, lease, { type, index, item });
    }
    if (stopAt < job.items) return false;
    await finishMigrationJob(opts.db, lease, opts.now());
    return true;
  } catch (error) {
    if (isLeaseLost(error)) return false;
    throw error;
  }
}

async function runItem(
  opts: RunJobOptions,
  lease: JobLease,
  w: { type: TMigrationType; index: number; item: { id: string } },
) {
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const now = opts.now();
    try {
      await opts.db.transaction().execute(async (trx) => {
        const outcome = await APPLY[w.type](trx, { accountId: lease.accountId, now }, w.item);
        await advanceMigrationJob(trx, lease, {
          index: w.index,
          now,
          ok: true,
          duplicates: outcome.duplicates,
        });
      });
      return;
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      lastError = error;
      if (!TRANSIENT_PG_CODES.has(pgCode(error) ?? "")) break;
    }
  }
  if (!(lastError instanceof DomainError))
    opts.onError?.(`migration job ${lease.jobId} item ${w.index} failed`, lastError);
  await advanceMigrationJob(opts.db, lease, {
    index: w.index,
    now: opts.now(),
    ok: false,
    duplicates: 0,
    error: itemError(lastError, w.index, w.item.id),
  });
}
