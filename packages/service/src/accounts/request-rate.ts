import type { Db } from "@tally/db";
import { sql } from "kysely";
import { RateLimitedError, type RateLimitState } from "../kernel/index.ts";

const WINDOW_MS = 60_000;

/** Counts an API key's requests in fixed one-minute windows; answers this request's number. */
export interface RequestCounter {
  count(keyId: string, windowStart: Date): Promise<number>;
}

/**
 * The counter shared by every process on one PostgreSQL database: one row per key, one upsert
 * per request. A process whose clock lags (an older window) counts into the current window.
 */
export function databaseRequestCounter(db: Db): RequestCounter {
  return {
    async count(keyId, windowStart) {
      const { rows } = await sql<{ count: number }>`
        insert into request_counters as c (key_id, window_start, count)
        values (${keyId}, ${windowStart}, 1)
        on conflict (key_id) do update set
          count = case when excluded.window_start <= c.window_start then c.count + 1 else 1 end,
          window_start = greatest(c.window_start, excluded.window_start)
        returning count`.execute(db);
      return rows[0]!.count;
    },
  };
}

/** This process's own counter: for the embedded database, which one process alone opens. */
export function memoryRequestCounter(): RequestCounter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async count(keyId, windowStart) {
      const start = windowStart.getTime();
      const current = windows.get(keyId);
      if (current && current.start >= start) return ++current.count;
      if (windows.size >= 100_000) {
        for (const [key, w] of windows) if (w.start < start) windows.delete(key);
      }
      windows.set(keyId, { start, count: 1 });
      return 1;
    },
  };
}

/**
 * Counts one request of `keyId` against `limit` per minute and answers where the key stands;
 * over the limit → RATE_LIMITED with the seconds until the window ends
 * (docs/api-decisions.md#rate-limits).
 */
export async function checkRequestRate(
  counter: RequestCounter,
  opts: { keyId: string; limit: number; now: Date },
): Promise<RateLimitState> {
  const nowMs = opts.now.getTime();
  const start = nowMs - (nowMs % WINDOW_MS);
  const used = await counter.count(opts.keyId, new Date(start));
  const reset = Math.max(1, Math.ceil((start + WINDOW_MS - nowMs) / 1000));
  const state = { limit: opts.limit, remaining: Math.max(0, opts.limit - used), reset };
  if (used > opts.limit)
    throw new RateLimitedError(
      `at most ${opts.limit} requests a minute with this API key; retry in ${reset} s`,
      reset,
      state,
    );
  return state;
}
