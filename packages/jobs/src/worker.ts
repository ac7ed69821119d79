import { randomUUID } from "node:crypto";
import type { Db } from "@tally/db";
import { abandonMigrationJob, claimMigrationJob, runMigrationJob } from "@tally/service";

/** How long a claimed job stays ours without a sign of life; every processed item renews it. */
export const DEFAULT_LEASE_MS = 5 * 60_000;

/** How long the worker loop waits before looking again when the queue is empty (WORKER_POLL_MS). */
export const DEFAULT_POLL_MS = 1000;

export interface WorkerOptions {
  db: Db;
  now: () => Date;
  /** Names this worker in the job rows it holds (default: a random id). */
  workerId?: string;
  leaseMs?: number;
  /** Starts of one job before it is given up as FAILED (default 3). */
  maxAttempts?: number;
  onError?: (message: string, error: unknown) => void;
}

const logError = (message: string, error: unknown) => console.error(message, error);

/** Claims and runs one job; false when the queue had nothing claimable. */
async function runNextJob(opts: WorkerOptions & { signal?: AbortSignal }): Promise<boolean> {
  const workerId = opts.workerId ?? `worker-${randomUUID()}`;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const { maxAttempts } = opts;
  const job = await claimMigrationJob(opts.db, { workerId, now: opts.now(), leaseMs, maxAttempts });
  if (!job) return false;
  const onError = opts.onError ?? logError;
  try {
    await runMigrationJob(job, {
      db: opts.db,
      now: opts.now,
      workerId,
      leaseMs,
      signal: opts.signal,
      onError,
    });
  } catch (error) {
    // Not an item's failure (those are recorded per item): retried, up to maxAttempts starts.
    onError(`migration job ${job.id} failed (attempt ${job.attempts})`, error);
    const lease = { accountId: job.account_id, jobId: job.id, workerId, leaseMs };
    const reason = error instanceof Error ? error.message : String(error);
    await abandonMigrationJob(opts.db, lease, { now: opts.now(), reason, maxAttempts });
  }
  return true;
}

/** Runs every claimable job to completion, then returns how many it ran (tests, demo, one-shot runs). */
export async function drainJobs(opts: WorkerOptions): Promise<number> {
  const workerId = opts.workerId ?? `drain-${randomUUID()}`;
  let ran = 0;
  while (await runNextJob({ ...opts, workerId })) ran++;
  return ran;
}

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/**
 * The worker loop: claims queued migration jobs (and RUNNING ones whose
 * worker's lease ran out) and runs them until `signal` aborts, polling every
 * `pollMs` while the queue is empty. Any number of loops may share one database.
 */
export async function runWorker(
  opts: WorkerOptions & { signal: AbortSignal; pollMs?: number },
): Promise<void> {
  const workerId = opts.workerId ?? `worker-${randomUUID()}`;
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const onError = opts.onError ?? logError;
  while (!opts.signal.aborted) {
    let busy = false;
    try {
      busy = await runNextJob({ ...opts, workerId, onError });
    } catch (error) {
      // The database went away or a bug: the job keeps its lease and is resumed later.
      onError("migration worker: running a job failed", error);
    }
    if (!busy) await pause(pollMs, opts.signal);
  }
}
