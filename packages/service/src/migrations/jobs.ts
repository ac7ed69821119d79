import { DomainError, notFound } from "@tally/core";
import { type Database, json } from "@tally/db";
import {
  formatBatchIssues,
  MIGRATION_SCHEMAS,
  type TMigrationError,
  type TMigrationJob,
  type TMigrationType,
} from "@tally/schemas";
import type { Selectable } from "kysely";
import { isUuid } from "../catalog/index.ts";
import { newId, type ServiceDeps, transact } from "../kernel/index.ts";
import { checkMigrationRate, type MigrationRateLimit } from "./rate-limit.ts";
import { checkReferences } from "./references.ts";

export type JobRow = Selectable<Database["migration_jobs"]>;
/** Any validated migrate body: every type has `customers[]`, one item each. */
export type MigrationBatch = { customers: unknown[] };

/** How many records (balance entries, events or transactions) a batch carries. */
function countRecords(type: TMigrationType, batch: MigrationBatch): number {
  const key = { CUSTOMERS: "balance", EVENTS: "events", TRANSACTIONS: "transactions" }[type];
  return batch.customers.reduce<number>(
    (n, c) => n + (((c as Record<string, unknown[] | null>)[key] ?? []) as unknown[]).length,
    0,
  );
}

/** Job row → wire job (GET /migrations/{id}). */
export function toMigrationJobView(row: JobRow): TMigrationJob {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    type: row.type as TMigrationType,
    status: row.status as TMigrationJob["status"],
    items: row.items,
    records: row.records,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    duplicates: row.duplicates,
    errors: (row.errors as TMigrationError[]) ?? [],
    created_at: row.created_at.toISOString(),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
  };
}

/**
 * Validates a whole migrate batch — shape first, then that every reward and
 * brand it names exists — and stores it as a QUEUED job (answered 202). Any bad
 * item is a 400 naming each item and field; nothing is queued then.
 */
export async function enqueueMigration(
  deps: ServiceDeps,
  accountId: string,
  type: TMigrationType,
  body: unknown,
) {
  return (await queueMigration(deps, { accountId, type, body, limit: null })).job;
}

/**
 * enqueueMigration under the account's migration rate limit (429 when over it, nothing
 * queued); answers the job and where the account stands against the limit.
 */
export async function queueMigration(
  deps: ServiceDeps,
  opts: {
    accountId: string;
    type: TMigrationType;
    body: unknown;
    limit: MigrationRateLimit | null;
  },
) {
  const { accountId, type, body, limit } = opts;
  const parsed = MIGRATION_SCHEMAS[type].safeParse(body);
  if (!parsed.success)
    throw new DomainError("VALIDATION_FAILED", formatBatchIssues(parsed.error.issues));
  const batch = parsed.data as MigrationBatch;
  const missing = await checkReferences(deps.db, accountId, type, parsed.data);
  if (missing.length > 0) throw new DomainError("VALIDATION_FAILED", missing.join("; "));
  const id = newId();
  const now = deps.now();
  return transact(deps, async (trx) => {
    const rate = limit ? await checkMigrationRate(trx, { accountId, now, limit }) : null;
    await trx
      .insertInto("migration_jobs")
      .values({
        account_id: accountId,
        id,
        type,
        status: "QUEUED",
        items: batch.customers.length,
        records: countRecords(type, batch),
        payload: json(batch),
        errors: json([]),
        created_at: now,
      })
      .execute();
    return { job: { id, status: "QUEUED" as const, type, items: batch.customers.length }, rate };
  });
}

/** One migration job of the account, or 404 (also for ids that are not UUIDs). */
export async function getMigrationJob(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<TMigrationJob> {
  if (!isUuid(id)) throw notFound("migration", id);
  const row = await deps.db
    .selectFrom("migration_jobs")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("migration", id);
  return toMigrationJobView(row);
}
