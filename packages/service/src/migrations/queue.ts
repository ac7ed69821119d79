import type { Database, Db } from "@tally/db";
import { json } from "@tally/db";
import type { TMigrationError } from "@tally/schemas";
import { sql, type Transaction } from "kysely";
import { type Executor, inTransaction } from "../kernel/index.ts";
import { recordWebhook } from "../webhooks/index.ts";
import { type JobRow, toMigrationJobView } from "./jobs.ts";

/** A claimed job: who holds it and for how long each renewal extends the lease. */
export interface JobLease {
  accountId: string;
  jobId: string;
  workerId: string;
  leaseMs: number;
}

const LEASE_LOST = Symbol("leaseLost");

/** The error that says another worker took the job over (our lease ran out): stop, apply nothing more. */
export const leaseLost = (jobId: string): Error =>
  Object.assign(new Error(`lost the lease on migration job ${jobId}`), { [LEASE_LOST]: true });

/** True for the error of leaseLost. */
export const isLeaseLost = (error: unknown): boolean =>
  typeof error === "object" && error !== null && LEASE_LOST in error;

/** How many times a job is started (claimed) before it is given up as FAILED. */
export const MAX_JOB_ATTEMPTS = 3;

/** A job-level entry of `errors` (item -1), as GET /migrations/{id} shows it. */
const jobError = (details: string): TMigrationError => ({
  item: -1,
  customer_id: null,
  code: "INTERNAL",
  details,
});

/**
 * Claims the oldest job that is QUEUED, or RUNNING with an expired lease (its
 * worker died), for `workerId`: `FOR UPDATE SKIP LOCKED` lets any number of
 * workers claim concurrently without ever handing one job to two of them. A job
 * already started `maxAttempts` times (its workers kept dying) is not run again:
 * it is marked FAILED with the reason, and the next job is claimed.
 */
export async function claimMigrationJob(
  db: Db,
  opts: { workerId: string; now: Date; leaseMs: number; maxAttempts?: number },
): Promise<JobRow | undefined> {
  const max = opts.maxAttempts ?? MAX_JOB_ATTEMPTS;
  for (;;) {
    const job = await claimNext(db, opts);
    if (!job || job.attempts <= max) return job;
    await db
      .updateTable("migration_jobs")
      .set({
        status: "FAILED",
        finished_at: opts.now,
        lease_expires_at: null,
        errors: sql`errors || ${json([
          jobError(
            `gave up after ${max} attempts: its worker stopped (crashed or lost the database) before finishing each time`,
          ),
        ])}::jsonb`,
      })
      .where("account_id", "=", job.account_id)
      .where("id", "=", job.id)
      .where("locked_by", "=", opts.workerId)
      .execute();
  }
}

async function claimNext(
  db: Db,
  opts: { workerId: string; now: Date; leaseMs: number },
): Promise<JobRow | undefined> {
  return db
    .with("next", (q) =>
      q
        .selectFrom("migration_jobs")
        .select(["account_id", "id"])
        .where((eb) =>
          eb.or([
            eb("status", "=", "QUEUED"),
            eb.and([eb("status", "=", "RUNNING"), eb("lease_expires_at", "<", opts.now)]),
          ]),
        )
        // An account's jobs run in the order they were sent (transactions after the
        // customers whose balances they explain), whichever worker takes them.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("migration_jobs as older")
                .select("older.id")
                .whereRef("older.account_id", "=", "migration_jobs.account_id")
                .where("older.status", "in", ["QUEUED", "RUNNING"])
                .where(
                  sql<boolean>`(older.created_at, older.id) < (migration_jobs.created_at, migration_jobs.id)`,
                ),
            ),
          ),
        )
        .orderBy("created_at")
        .orderBy("id")
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .updateTable("migration_jobs as j")
    .from("next")
    .set({
      status: "RUNNING",
      locked_by: opts.workerId,
      lease_expires_at: new Date(opts.now.getTime() + opts.leaseMs),
      attempts: sql`j.attempts + 1`,
      started_at: sql`coalesce(j.started_at, ${opts.now})`,
    })
    .whereRef("j.account_id", "=", "next.account_id")
    .whereRef("j.id", "=", "next.id")
    .returningAll("j")
    .executeTakeFirst();
}

/**
 * Records item `index` as done, in the caller's transaction when it succeeded (so
 * the item's writes and the progress commit together) and renews the lease. Fenced:
 * if another worker holds the job now, or the item was already counted, nothing is
 * updated and the leaseLost error rolls the caller's transaction back.
 */
export async function advanceMigrationJob(
  db: Executor,
  lease: JobLease,
  step: {
    index: number;
    now: Date;
    ok: boolean;
    duplicates: number;
    error?: TMigrationError;
  },
): Promise<void> {
  const result = await db
    .updateTable("migration_jobs")
    .set({
      processed: sql`processed + 1`,
      succeeded: sql`succeeded + ${step.ok ? 1 : 0}`,
      failed: sql`failed + ${step.ok ? 0 : 1}`,
      duplicates: sql`duplicates + ${step.duplicates}`,
      errors: step.error ? sql`errors || ${json([step.error])}::jsonb` : sql`errors`,
      lease_expires_at: new Date(step.now.getTime() + lease.leaseMs),
    })
    .where("account_id", "=", lease.accountId)
    .where("id", "=", lease.jobId)
    .where("locked_by", "=", lease.workerId)
    .where("status", "=", "RUNNING")
    .where("processed", "=", step.index)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw leaseLost(lease.jobId);
}

/**
 * Ends a fully processed job: SUCCEEDED (no failed item), FAILED (none succeeded) or
 * PARTIAL. locked_by is kept: it names the worker that finished the job.
 */
export async function finishMigrationJob(db: Db, lease: JobLease, now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable("migration_jobs")
      .set({
        status: sql`case when failed = 0 then 'SUCCEEDED' when succeeded = 0 then 'FAILED' else 'PARTIAL' end`,
        finished_at: now,
        lease_expires_at: null,
      })
      .where("account_id", "=", lease.accountId)
      .where("id", "=", lease.jobId)
      .where("locked_by", "=", lease.workerId)
      .where("status", "=", "RUNNING")
      .whereRef("processed", "=", "items")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw leaseLost(lease.jobId);
    recordJobEnd(trx, lease, now);
  });
}

/** MIGRATION_COMPLETED, with the job as it ends, in the transaction that ends it. */
function recordJobEnd(trx: Transaction<Database>, lease: JobLease, now: Date) {
  recordWebhook(trx, {
    accountId: lease.accountId,
    event: "MIGRATION_COMPLETED",
    customerUuid: null,
    now,
    data: async () => {
      const row = await trx
        .selectFrom("migration_jobs")
        .selectAll()
        .where("account_id", "=", lease.accountId)
        .where("id", "=", lease.jobId)
        .executeTakeFirstOrThrow();
      return { migration: toMigrationJobView(row) };
    },
  });
}

/**
 * Hands a job back when its worker stops on purpose (shutdown): the lease ends now,
 * so another worker resumes it at once instead of waiting for the lease to lapse, and
 * this start does not count against the job's attempts.
 */
export async function releaseMigrationJob(db: Db, lease: JobLease, now: Date): Promise<void> {
  await db
    .updateTable("migration_jobs")
    .set({ lease_expires_at: now, attempts: sql`greatest(attempts - 1, 0)` })
    .where("account_id", "=", lease.accountId)
    .where("id", "=", lease.jobId)
    .where("locked_by", "=", lease.workerId)
    .where("status", "=", "RUNNING")
    .execute();
}

/** Ends a job that cannot be run at all (an unreadable payload): FAILED with one job-level error. */
export async function failMigrationJob(db: Db, lease: JobLease, now: Date, details: string) {
  await inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable("migration_jobs")
      .set({
        status: "FAILED",
        finished_at: now,
        locked_by: null,
        lease_expires_at: null,
        errors: json([jobError(details)]),
      })
      .where("account_id", "=", lease.accountId)
      .where("id", "=", lease.jobId)
      .where("locked_by", "=", lease.workerId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) recordJobEnd(trx, lease, now);
  });
}

/**
 * Hands back a job whose run threw (not an item's error: those are recorded per item):
 * QUEUED again at once with the error noted in `errors`, or FAILED once it has been
 * started `maxAttempts` times.
 */
export async function abandonMigrationJob(
  db: Db,
  lease: JobLease,
  w: { now: Date; reason: string; maxAttempts?: number },
): Promise<void> {
  const max = w.maxAttempts ?? MAX_JOB_ATTEMPTS;
  const last = sql<boolean>`attempts >= ${max}`;
  await db
    .updateTable("migration_jobs")
    .set({
      status: sql`case when ${last} then 'FAILED' else 'QUEUED' end`,
      finished_at: sql`case when ${last} then ${w.now}::timestamptz end`,
      locked_by: sql`case when ${last} then locked_by end`,
      lease_expires_at: null,
      errors: sql`errors || jsonb_build_array(jsonb_build_object(
        'item', -1, 'customer_id', null, 'code', 'INTERNAL',
        'details', 'attempt ' || attempts || ' failed: ' || ${w.reason}::text
          || case when ${last} then ${`; gave up after ${max} attempts`}::text else '' end))`,
    })
    .where("account_id", "=", lease.accountId)
    .where("id", "=", lease.jobId)
    .where("locked_by", "=", lease.workerId)
    .where("status", "=", "RUNNING")
    .execute();
}
