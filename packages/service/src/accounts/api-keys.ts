import { randomUUID } from "node:crypto";
import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { type CursorPage, cursorPageOf, iso, newId, pgCode } from "../kernel/index.ts";
import { hashKey } from "./accounts.ts";

/** A storefront API key as lists show it (never the key). */
export interface TApiKeyView {
  id: string;
  kind: "SERVER" | "CLIENT";
  name: string;
  created_at: string;
  revoked_at: string | null;
}

const view = (row: {
  id: string;
  kind: "SERVER" | "CLIENT";
  name: string;
  created_at: Date;
  revoked_at: Date | null;
}): TApiKeyView => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  created_at: iso(row.created_at)!,
  revoked_at: iso(row.revoked_at),
});

/**
 * Creates a storefront API key; the key is answered once. A client-given `id` that exists is a
 * CONFLICT, never a second key (docs/api-decisions.md#service-tokens).
 */
export async function createApiKeyOnce(
  db: Db,
  opts: {
    accountId: string;
    kind: "SERVER" | "CLIENT";
    name?: string | undefined;
    id?: string | undefined;
  },
): Promise<TApiKeyView & { key: string }> {
  const key = randomUUID();
  const id = opts.id ?? newId();
  try {
    const row = await db
      .insertInto("api_keys")
      .values({
        account_id: opts.accountId,
        id,
        kind: opts.kind,
        name: opts.name ?? `${opts.kind.toLowerCase()} key`,
        key_hash: hashKey(key),
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...view(row), key };
  } catch (error) {
    if (pgCode(error) === "23505")
      throw new DomainError(
        "CONFLICT",
        `id: API key ${JSON.stringify(id)} already exists (its key was shown when it was created)`,
      );
    throw error;
  }
}

/** The account's API keys, revoked ones included. */
export function listApiKeys(db: Db, opts: { accountId: string } & CursorPage) {
  return cursorPageOf(opts, async ({ after, take }) => {
    let q = db
      .selectFrom("api_keys")
      .selectAll()
      .where("account_id", "=", opts.accountId)
      .orderBy("id")
      .limit(take);
    if (after) q = q.where("id", ">", after);
    return (await q.execute()).map(view);
  });
}

/**
 * Revokes an API key: it gets no new tokens (tokens issued live out their hour). Revoking it
 * again answers it unchanged; a key of no such id in the account is a 404.
 */
export async function revokeApiKeyOf(
  db: Db,
  opts: { accountId: string; id: string; now: Date },
): Promise<TApiKeyView> {
  const revoked = await db
    .updateTable("api_keys")
    .set({ revoked_at: opts.now })
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.id)
    .where("revoked_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  if (revoked) return view(revoked);
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.id)
    .executeTakeFirst();
  if (!row) throw new DomainError("NOT_FOUND", `API key ${JSON.stringify(opts.id)} not found`);
  return view(row);
}
