import type { Database } from "@tally/db";
import { sql, type Transaction } from "kysely";
import { RateLimitedError, type RateLimitState } from "../kernel/index.ts";

/** Masivo's migration limiter: at most one batch per `intervalMs`, `perHour` batches an hour. */
export interface MigrationRateLimit {
  intervalMs: number;
  perHour: number;
}

const HOUR_MS = 3600_000;

/** Parses `"1/5s,1000/h"` (or `off` → null). */
export function parseMigrationRateLimit(text: string): MigrationRateLimit | null {
  if (text.trim().toLowerCase() === "off") return null;
  const m = /^\s*1\/(\d+)s\s*,\s*(\d+)\/h\s*$/.exec(text);
  if (!m)
    throw new Error(
      `migration rate limit: expected "1/<seconds>s,<count>/h" or "off", got ${text}`,
    );
  return { intervalMs: Number(m[1]) * 1000, perHour: Number(m[2]) };
}

/**
 * Checks the account's migrate batches against the limit, counting the jobs it queued (so the
 * limit holds across app processes). Locks the account row first, so concurrent batches of one
 * account are counted one after the other; call it in the transaction that queues the job.
 * Over the limit → 429 RATE_LIMITED with the seconds to wait.
 */
export async function checkMigrationRate(
  trx: Transaction<Database>,
  opts: { accountId: string; now: Date; limit: MigrationRateLimit },
): Promise<RateLimitState> {
  const { accountId, now, limit } = opts;
  await trx.selectFrom("accounts").select("id").where("id", "=", accountId).forUpdate().execute();
  const since = new Date(now.getTime() - HOUR_MS);
  const row = await trx
    .selectFrom("migration_jobs")
    .select([
      sql<string>`count(*)`.as("n"),
      sql<Date | null>`min(created_at)`.as("oldest"),
      sql<Date | null>`max(created_at)`.as("latest"),
    ])
    .where("account_id", "=", accountId)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  const used = Number(row.n);
  const at = (d: Date | string | null) => (d === null ? null : new Date(d).getTime());
  const oldest = at(row.oldest);
  const latest = at(row.latest);
  const reset = oldest === null ? 0 : Math.ceil((oldest + HOUR_MS - now.getTime()) / 1000);
  const gap = latest === null ? 0 : Math.ceil((latest + limit.intervalMs - now.getTime()) / 1000);
  if (used >= limit.perHour) {
    throw new RateLimitedError(
      `migrations: at most ${limit.perHour} batches an hour; retry in ${reset} s`,
      Math.max(reset, 1),
      { limit: limit.perHour, remaining: 0, reset },
    );
  }
  if (gap > 0) {
    throw new RateLimitedError(
      `migrations: at most one batch every ${limit.intervalMs / 1000} s; retry in ${gap} s`,
      gap,
      { limit: limit.perHour, remaining: limit.perHour - used, reset: reset || 3600 },
    );
  }
  return { limit: limit.perHour, remaining: limit.perHour - used - 1, reset: reset || 3600 };
}
