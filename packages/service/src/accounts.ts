import { randomUUID } from "node:crypto";
import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { sha256Hex } from "./canonical.ts";
import { newId } from "./deps.ts";

/** SHA-256 of an API key; only this is stored. */
export const hashKey = sha256Hex;

/** Creates an account with its non-deletable Base tier (level 1). */
export async function createAccount(
  db: Db,
  opts: { name: string; id?: string },
): Promise<{ id: string; baseTierId: string }> {
  const id = opts.id ?? newId();
  const baseTierId = newId();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("accounts").values({ id, name: opts.name }).execute();
    await trx
      .insertInto("tiers")
      .values({
        account_id: id,
        id: baseTierId,
        name: "Base",
        description: "Every customer starts here",
        status: "ACTIVE",
        level: 1,
        entry_conditions: "[]",
        exit_conditions: "[]",
      })
      .execute();
  });
  return { id, baseTierId };
}

/** Creates an API key; the plaintext is returned once (a UUID unless one is given). */
export async function createApiKey(
  db: Db,
  opts: { accountId: string; kind: "SERVER" | "CLIENT"; name?: string; key?: string },
): Promise<{ id: string; key: string }> {
  const key = opts.key ?? randomUUID();
  const id = newId();
  await db
    .insertInto("api_keys")
    .values({
      account_id: opts.accountId,
      id,
      kind: opts.kind,
      name: opts.name ?? `${opts.kind.toLowerCase()} key`,
      key_hash: hashKey(key),
      revoked_at: null,
    })
    .execute();
  return { id, key };
}

/**
 * Revokes an account's API key: it gets no new tokens (tokens issued already live out their
 * hour). Answers false when the account has no such key, or it was revoked already.
 */
export async function revokeApiKey(
  db: Db,
  opts: { accountId: string; id: string; now: Date },
): Promise<boolean> {
  const revoked = await db
    .updateTable("api_keys")
    .set({ revoked_at: opts.now })
    .where("account_id", "=", opts.accountId)
    .where("id", "=", opts.id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return revoked.numUpdatedRows > 0n;
}

/** Creates a brand (a string id chosen by the account, as Masivo's "0001"). */
export async function createBrand(
  db: Db,
  opts: { accountId: string; id: string; name: string },
): Promise<void> {
  try {
    await db
      .insertInto("brands")
      .values({ account_id: opts.accountId, id: opts.id, name: opts.name })
      .execute();
  } catch (error) {
    if ((error as { code?: string }).code === "23505") {
      throw new DomainError("CONFLICT", `brand ${JSON.stringify(opts.id)} already exists`);
    }
    throw error;
  }
}

/** Throws 404 unless the brand exists in the account. */
export async function assertBrand(db: Db, accountId: string, brandId: string, field = "brand_id") {
  const row = await db
    .selectFrom("brands")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", "=", brandId)
    .executeTakeFirst();
  if (!row)
    throw new DomainError("NOT_FOUND", `${field}: brand ${JSON.stringify(brandId)} not found`);
}
