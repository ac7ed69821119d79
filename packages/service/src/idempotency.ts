import { DomainError } from "@tally/core";
import { json } from "@tally/db";
import { canonical, sha256Hex } from "./canonical.ts";
import { pgCode, type ServiceDeps } from "./deps.ts";

const KEEP_MS = 24 * 3600_000;
/**
 * A claimed key with no answer whose claim was not renewed for this long belongs to a request
 * that died: a running request renews its claim every `CLAIM_RENEW_MS` however long it waits.
 */
const ABANDONED_MS = 60_000;
export const CLAIM_RENEW_MS = 15_000;

export type IdempotencyStart = { kind: "new" } | { kind: "replay"; status: number; body: unknown };

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
 * same key + another request, or the first one still running → 409.
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
  try {
    await deps.db
      .insertInto("idempotency_keys")
      .values({
        account_id: accountId,
        key,
        request_hash: hash,
        status_code: null,
        response: null,
        created_at: now,
      })
      .execute();
    return { kind: "new" };
  } catch (error) {
    if (pgCode(error) !== "23505") throw error;
  }
  const row = await deps.db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  if (row.request_hash !== hash)
    throw new DomainError("CONFLICT", "Idempotency-Key: was already used with another request");
  if (row.status_code === null) {
    // A claim nobody renews any more (its process died) is abandoned after a while.
    const takenOver = await deps.db
      .updateTable("idempotency_keys")
      .set({ created_at: now })
      .where("account_id", "=", accountId)
      .where("key", "=", key)
      .where("status_code", "is", null)
      .where("created_at", "<", new Date(now.getTime() - ABANDONED_MS))
      .returning("key")
      .executeTakeFirst();
    if (takenOver) return { kind: "new" };
    throw new DomainError(
      "CONFLICT",
      "Idempotency-Key: the first request with this key is still being processed",
    );
  }
  return { kind: "replay", status: row.status_code, body: row.response };
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

/** Stores the answer for a claimed key; a refusal before the request ran frees it (UNSTORED). */
export async function completeIdempotent(
  deps: ServiceDeps,
  accountId: string,
  key: string,
  status: number,
  body: unknown,
) {
  const q = deps.db
    .updateTable("idempotency_keys")
    .where("account_id", "=", accountId)
    .where("key", "=", key);
  if (UNSTORED(status)) {
    await deps.db
      .deleteFrom("idempotency_keys")
      .where("account_id", "=", accountId)
      .where("key", "=", key)
      .execute();
    return;
  }
  await q.set({ status_code: status, response: json(body) }).execute();
}
