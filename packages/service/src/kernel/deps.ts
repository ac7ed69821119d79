import { randomUUID } from "node:crypto";
import type { Database, Db } from "@tally/db";
import type { Transaction } from "kysely";
import { inTransaction } from "./commit-hooks.ts";
import { type Answer, currentClaim, noteCommit, storeAnswerIn } from "./idempotency-claim.ts";

/** What every service function is given: the database and the clock. */
export interface ServiceDeps {
  db: Db;
  now: () => Date;
  /**
   * Webhook endpoints may be http:// and in loopback or private ranges (development, tests,
   * the embedded demo); default false. See docs/webhooks.md#url-safety.
   */
  allowPrivateWebhookUrls?: boolean;
}

/** Where a query runs: the pool, or an open transaction. */
export type Executor = Db | Transaction<Database>;

/** Who is calling: the account behind the token and the kind of key it came from. */
export interface Principal {
  accountId: string;
  keyId: string;
  kind: "SERVER" | "CLIENT";
}

let lastMs = 0;
let sequence = 0;

/**
 * Time-ordered UUIDv7 (RFC 9562), monotonic within this process, so that ledger
 * cursors (`id > cursor`) follow creation order: 48-bit milliseconds, a 12-bit
 * sequence, then the random bits of a v4 UUID. Built on `randomUUID`, which draws
 * from Node's cached entropy pool — a fresh getrandom per id was a measurable
 * share of an event's CPU.
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  const ms = lastMs.toString(16).padStart(12, "0");
  const random = randomUUID();
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${sequence.toString(16).padStart(3, "0")}-${random.slice(19)}`;
}

/** PostgreSQL error code of a failed statement, if any. */
export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/** PostgreSQL errors worth another try of the whole transaction: deadlocks, serialization. */
export const TRANSIENT_PG_CODES: ReadonlySet<string> = new Set(["40001", "40P01"]);

/**
 * Runs `attempt` (a whole transaction) again when PostgreSQL aborted it as a deadlock victim or
 * for serialization, up to `tries` times; the failed try rolled back whole, so a retry is safe.
 */
export async function retryTransient<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= tries || !TRANSIENT_PG_CODES.has(pgCode(error) ?? "")) throw error;
    }
  }
}

/**
 * One transaction of a state change, run again whole if PostgreSQL aborts it as a deadlock
 * victim or for serialization (see retryTransient). Under an Idempotency-Key claim, the
 * request's answer for the result is stored in the same transaction (see IdempotencyClaim).
 */
export async function transact<T>(
  deps: ServiceDeps,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const claim = currentClaim();
  let answer: Answer | null = null;
  const result = await retryTransient(() =>
    inTransaction(deps.db, async (trx) => {
      const r = await work(trx);
      answer = await storeAnswerIn(trx, claim, r);
      return r;
    }),
  );
  noteCommit(claim, result, answer);
  return result;
}
