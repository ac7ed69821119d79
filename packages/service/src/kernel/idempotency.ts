import { DomainError } from "@tally/core";
import { type Db, json } from "@tally/db";
import { canonical, sha256Hex } from "./canonical.ts";
import type { ServiceDeps } from "./deps.ts";
import type { IdempotencyClaim } from "./idempotency-claim.ts";

/** How long a key is kept: a request with a key older than this is a new one. */
const KEEP_MS = 24 * 3600_000;
/**
 * A claimed key with no answer whose claim was not renewed for this long belongs to a request
 * that died: a running request renews its claim every `CLAIM_RENEW_MS` however long it waits.
 */
const ABANDONED_MS = 60_000;
export const CLAIM_RENEW_MS = 15_000;

export type IdempotencyStart =
  | { kind: "new"; claim: IdempotencyClaim }
  | { kind: "replay"; status: number; body: unknown };

/**
 * Hash of what makes two requests "the same": the API key that sent them, method, path and
 * body (as JSON with sorted keys: the same fields in another order are the same body). Another
 * key reusing an Idempotency-Key (a CLIENT key, a SERVER answer's) is "another request" (409),
 * never handed the stored answer.
 */
export const requestHash = (keyId: string, method: string, path: string, body: unknown): string =>
  sha256Hex(`${keyId}\n${method} ${path}\n${canonical(body ?? null)}`);

/**
 * Claims an Idempotency-Key for 24 h. Same key + same request → the stored answer;
 * same key + another request, or the first one still running → 409. A claim freed by a
 * concurrent request (its answer was a refusal) between our insert and our read is claimed again.
 */
export async function beginIdempotent(
  deps: ServiceDeps,
  accountId: string,
  key: string,
  hash: string,
): Promise<IdempotencyStart> {
  const now = deps.now();
  await deps.db
    .deleteFrom("idempotency_keys")
    .where("account_id", "=", accountId)
    .where("key", "=", key)
    .where("created_at", "<", new Date(now.getTime() - KEEP_MS))
    .execute();
  const claim: IdempotencyClaim = { accountId, key, commits: 0 };
  for (let attempt = 0; attempt < 5; attempt++) {
    const inserted = await deps.db
      .insertInto("idempotency_keys")
      .values({
        account_id: accountId,
        key,
        request_hash: hash,
        status_code: null,
        response: null,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(["account_id", "key"]).doNothing())
      .returning("key")
      .executeTakeFirst();
    if (inserted) return { kind: "new", claim };
    const row = await deps.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("key", "=", key)
      .executeTakeFirst();
    if (!row) continue; // freed meanwhile by a refused request with this key: claim it again
    if (row.request_hash !== hash)
      throw new DomainError("CONFLICT", "Idempotency-Key: was already used with another request");
    if (row.status_code !== null)
      return { kind: "replay", status: row.status_code, body: row.response };
    // A claim nobody renews any more (its process died) is abandoned after a while. Its change
    // did not commit: a committed change stores its answer in the same transaction.
    const takenOver = await deps.db
      .updateTable("idempotency_keys")
      .set({ created_at: now })
      .where("account_id", "=", accountId)
      .where("key", "=", key)
      .where("status_code", "is", null)
      .where("created_at", "<", new Date(now.getTime() - ABANDONED_MS))
      .returning("key")
      .executeTakeFirst();
    if (takenOver) return { kind: "new", claim };
    break;
  }
  throw new DomainError(
    "CONFLICT",
    "Idempotency-Key: the first request with this key is still being processed",
  );
}

/** Renews a running request's claim so that a retry cannot take it over (see ABANDONED_MS). */
export async function renewIdempotent(deps: ServiceDeps, accountId: string, key: string) {
  await deps.db
    .updateTable("idempotency_keys")
    .set({ created_at: deps.now() })
    .where("account_id", "=", accountId)
    .where("key", "=", key)
    .where("status_code", "is", null)
    .execute();
}

/**
 * Answers that free the key instead of being stored: the request was refused before it ran (bad
 * input, auth, nothing at that path or no such resource, rate limit) or failed on our side, so a
 * retry with the same key — the input fixed, later, or with a fresh token — must run, not replay
 * the refusal. None of them wrote anything.
 */
const UNSTORED = (status: number) =>
  status >= 500 ||
  status === 400 ||
  status === 401 ||
  status === 403 ||
  status === 404 ||
  status === 429;

/**
 * Stores the answer for a claimed key whose request committed no change with its answer (a
 * refusal, a read such as a preview, a purchase replay); a refusal before the request ran frees
 * the key (UNSTORED). A key whose answer is stored already (committed with its change) is kept.
 */
export async function completeIdempotent(
  deps: ServiceDeps,
  claim: IdempotencyClaim,
  status: number,
  body: unknown,
) {
  if (UNSTORED(status)) {
    await deps.db
      .deleteFrom("idempotency_keys")
      .where("account_id", "=", claim.accountId)
      .where("key", "=", claim.key)
      .where("status_code", "is", null)
      .execute();
    return;
  }
  await deps.db
    .updateTable("idempotency_keys")
    .set({ status_code: status, response: json(body) })
    .where("account_id", "=", claim.accountId)
    .where("key", "=", claim.key)
    .where("status_code", "is", null)
    .execute();
}

/** What one sweepIdempotencyKeys run deleted. */
export interface SweepIdempotencyKeysResult {
  keys: number;
}

/**
 * Deletes the Idempotency-Key rows of every account older than the 24 h a key is kept (their
 * `created_at`, which a running request renews, is before `now` − 24 h), `batchSize` rows per
 * statement until none is left. Rows another session has locked (a sweep running beside this
 * one, a claim being renewed or taken over) are skipped, so concurrent sweeps never wait on or
 * delete for each other; a row renewed meanwhile is read again and kept.
 */
export async function sweepIdempotencyKeys(opts: {
  db: Db;
  now: Date;
  batchSize?: number;
}): Promise<SweepIdempotencyKeysResult> {
  const cutoff = new Date(opts.now.getTime() - KEEP_MS);
  const batchSize = opts.batchSize ?? 1000;
  let keys = 0;
  for (;;) {
    const result = await opts.db
      .deleteFrom("idempotency_keys")
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple("account_id", "key"),
          "in",
          selectFrom("idempotency_keys")
            .select(["account_id", "key"])
            .where("created_at", "<", cutoff)
            .limit(batchSize)
            .forUpdate()
            .skipLocked()
            .$asTuple("account_id", "key"),
        ),
      )
      .where("created_at", "<", cutoff)
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    keys += deleted;
    if (deleted < batchSize) return { keys };
  }
}
