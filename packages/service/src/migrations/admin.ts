import { DomainError } from "@tally/core";
import type { TMigrationError, TMigrationJob, TMigrationType } from "@tally/schemas";
import { type CursorPage, cursorPageOf, type ServiceDeps, uuidCursor } from "../kernel/index.ts";
import {
  enqueueMigration,
  getMigrationJob,
  type MigrationBatch,
  toMigrationJobView,
} from "./jobs.ts";

/** migrations.list (internal API): the account's jobs, newest first, cursor-paged. */
export async function listMigrationJobs(
  deps: ServiceDeps,
  accountId: string,
  q: CursorPage & { status?: string | undefined },
): Promise<{ items: TMigrationJob[]; next_cursor: string | null }> {
  const before = q.cursor === undefined ? undefined : uuidCursor(q.cursor);
  const page = await cursorPageOf({ ...q, cursor: before }, ({ after, take }) => {
    let query = deps.db
      .selectFrom("migration_jobs")
      .selectAll()
      .where("account_id", "=", accountId);
    if (q.status) query = query.where("status", "=", q.status);
    if (after !== undefined) query = query.where("id", "<", after);
    return query.orderBy("id", "desc").limit(take).execute();
  });
  return { ...page, items: page.items.map(toMigrationJobView) };
}

/**
 * migrations.retryFailed (docs/api-decisions.md#migration-jobs-internal): queues the failed items
 * of a finished job as a new job (the same type, those items only, in their order), validated as
 * any batch; the old job stays as it ran. A job still running, or with no failed item, is 409.
 */
export async function retryFailedMigrationItems(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<{ job: TMigrationJob; retried: number[] }> {
  const old = await getMigrationJob(deps, accountId, id);
  if (old.status === "QUEUED" || old.status === "RUNNING")
    throw new DomainError(
      "CONFLICT",
      `id: migration ${id} is ${old.status}; retry once it finished`,
    );
  const failed = [...new Set(old.errors.map((e: TMigrationError) => e.item))].sort((a, b) => a - b);
  if (failed.length === 0)
    throw new DomainError("CONFLICT", `id: migration ${id} has no failed item to retry`);
  const row = await deps.db
    .selectFrom("migration_jobs")
    .select("payload")
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const batch = row.payload as MigrationBatch;
  const customers = failed.flatMap((i) =>
    batch.customers[i] === undefined ? [] : [batch.customers[i]],
  );
  const queued = await enqueueMigration(deps, accountId, old.type as TMigrationType, { customers });
  return { job: await getMigrationJob(deps, accountId, queued.id), retried: failed };
}
