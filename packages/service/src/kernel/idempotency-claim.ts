import { AsyncLocalStorage } from "node:async_hooks";
import { DomainError } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { Transaction } from "kysely";

/** The answer a transport gives for a write's result: its status and body. */
export interface Answer {
  status: number;
  body: unknown;
  /** Headers sent with the answer (not stored: a replay sends status and body). */
  headers?: Record<string, string>;
}

/**
 * A request running under a claimed Idempotency-Key. The transport says how it answers the
 * write's result (`answer`) before the write's transaction ends; `transact` then stores that
 * answer in the same transaction as the change, so a key is either unused or bound to exactly
 * one committed result, whenever the process dies.
 */
export interface IdempotencyClaim {
  accountId: string;
  key: string;
  /** The answer for a committed result; set by the transport before the service's write ends. */
  answer?: (result: never) => Answer;
  /** Set once a transaction has committed with its answer stored. */
  committed?: { result: unknown; answer: Answer };
  /** Transactions that committed under this claim (more than one is a bug: only the first is answered). */
  commits: number;
}

const claims = new AsyncLocalStorage<IdempotencyClaim>();

/** Runs `fn` (the rest of a request) under `claim`: its writes commit their answer with them. */
export const runUnderClaim = <T>(claim: IdempotencyClaim, fn: () => T): T => claims.run(claim, fn);

/** The claim of the request this code runs for, if it came with an Idempotency-Key. */
export const currentClaim = (): IdempotencyClaim | undefined => claims.getStore();

/**
 * Inside a write's transaction: stores the answer for `result` with the claimed key, or throws
 * (rolling the write back) when a retry took the claim over meanwhile (the claim looked dead) or
 * an answer was already stored. Returns the answer stored, or null when there is no claim to
 * answer (no key, no answer asked for, or a second write of one request).
 */
export async function storeAnswerIn(
  trx: Transaction<Database>,
  claim: IdempotencyClaim | undefined,
  result: unknown,
): Promise<Answer | null> {
  if (!claim?.answer || claim.committed) return null;
  const answer = (claim.answer as (r: unknown) => Answer)(result);
  const stored = await trx
    .updateTable("idempotency_keys")
    .set({ status_code: answer.status, response: json(answer.body) })
    .where("account_id", "=", claim.accountId)
    .where("key", "=", claim.key)
    .where("status_code", "is", null)
    .returning("key")
    .executeTakeFirst();
  if (!stored) {
    throw new DomainError(
      "CONFLICT",
      "Idempotency-Key: a retry of this request has taken it over; this one changed nothing",
    );
  }
  return answer;
}

/** After a write's transaction committed: remembers what was answered, for the transport. */
export function noteCommit(
  claim: IdempotencyClaim | undefined,
  result: unknown,
  answer: Answer | null,
) {
  if (!claim) return;
  claim.commits += 1;
  if (answer && !claim.committed) claim.committed = { result, answer };
}
