import { randomBytes } from "node:crypto";
import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { type CursorPage, cursorPageOf, iso, newId, pgCode, sha256Hex } from "../kernel/index.ts";

/** Who calls the internal API: a service token, of one account or operator-wide (null). */
export interface ServiceCaller {
  tokenId: string;
  accountId: string | null;
}

/** Prefix of every service token: tells it apart from an API key (a UUID) at a glance. */
export const SERVICE_TOKEN_PREFIX = "tly_";

/** A token as lists show it: never its secret. */
export interface TServiceTokenView {
  id: string;
  account_id: string | null;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

const view = (row: {
  id: string;
  account_id: string | null;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
}): TServiceTokenView => ({
  id: row.id,
  account_id: row.account_id,
  name: row.name,
  created_at: iso(row.created_at)!,
  revoked_at: iso(row.revoked_at),
});

/**
 * Creates a service token of `accountId` (null: operator-wide); its secret is answered once,
 * only its SHA-256 is kept. A client-given `id` that exists already is a CONFLICT: a secret
 * cannot be shown twice, so a caller that lost the answer revokes that id and creates another
 * (docs/api-decisions.md#service-tokens).
 */
export async function createServiceToken(
  db: Db,
  opts: { accountId: string | null; name: string; id?: string | undefined },
): Promise<TServiceTokenView & { token: string }> {
  const token = `${SERVICE_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const id = opts.id ?? newId();
  try {
    const row = await db
      .insertInto("service_tokens")
      .values({
        id,
        account_id: opts.accountId,
        name: opts.name,
        token_hash: sha256Hex(token),
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...view(row), token };
  } catch (error) {
    if (pgCode(error) === "23505")
      throw new DomainError(
        "CONFLICT",
        `id: service token ${JSON.stringify(id)} already exists (its secret was shown when it was created)`,
      );
    throw error;
  }
}

/** The service tokens of `accountId` (null: the operator-wide ones), revoked ones included. */
export async function listServiceTokens(db: Db, opts: { accountId: string | null } & CursorPage) {
  return cursorPageOf(opts, async ({ after, take }) => {
    let q = db.selectFrom("service_tokens").selectAll().orderBy("id").limit(take);
    q =
      opts.accountId === null
        ? q.where("account_id", "is", null)
        : q.where("account_id", "=", opts.accountId);
    if (after) q = q.where("id", ">", after);
    return (await q.execute()).map(view);
  });
}

/**
 * Revokes a token of `accountId` (null: an operator-wide one); it stops working at once.
 * Revoking a revoked token changes nothing and answers it again; another account's is a 404.
 */
export async function revokeServiceToken(
  db: Db,
  opts: { accountId: string | null; id: string; now: Date },
): Promise<TServiceTokenView> {
  let update = db
    .updateTable("service_tokens")
    .set({ revoked_at: opts.now })
    .where("id", "=", opts.id)
    .where("revoked_at", "is", null);
  update =
    opts.accountId === null
      ? update.where("account_id", "is", null)
      : update.where("account_id", "=", opts.accountId);
  const revoked = await update.returningAll().executeTakeFirst();
  if (revoked) return view(revoked);
  let select = db.selectFrom("service_tokens").selectAll().where("id", "=", opts.id);
  select =
    opts.accountId === null
      ? select.where("account_id", "is", null)
      : select.where("account_id", "=", opts.accountId);
  const existing = await select.executeTakeFirst();
  if (!existing)
    throw new DomainError("NOT_FOUND", `service token ${JSON.stringify(opts.id)} not found`);
  return view(existing);
}

/**
 * The caller behind a bearer service token, or a 401: missing header, not a live token of
 * ours (an API key, a storefront JWT, a revoked token).
 */
export async function verifyServiceToken(
  db: Db,
  authorization: string | undefined,
): Promise<ServiceCaller> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match)
    throw new DomainError(
      "UNAUTHORIZED",
      "header Authorization: Bearer <service token> is required",
    );
  const row = await db
    .selectFrom("service_tokens")
    .select(["id", "account_id"])
    .where("token_hash", "=", sha256Hex(match[1]!))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new DomainError("UNAUTHORIZED", "token is not a valid service token");
  return { tokenId: row.id, accountId: row.account_id };
}
