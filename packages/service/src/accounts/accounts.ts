import { randomUUID } from "node:crypto";
import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { newId, sha256Hex } from "../kernel/index.ts";

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

/** The shortest API key one may choose (DEMO_API_KEY); generated keys are 36-character UUIDs. */
export const MIN_CHOSEN_KEY_LENGTH = 32;
/**
 * The least `keyBits` a chosen API key must measure. A generated key (a random UUID, 122
 * random bits) measured 103–145 over 3,000,000 of them; `openssl rand -hex 32` 212 and up.
 */
export const MIN_CHOSEN_KEY_BITS = 100;

/** Shannon total, in bits, of a sequence's own symbol frequencies. */
function shannonBits(symbols: number[]): number {
  const counts = new Map<number, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= count * Math.log2(count / symbols.length);
  return bits;
}

/**
 * An estimate of a chosen key's entropy in bits: the smaller Shannon total of its characters
 * and of the steps between neighbouring characters, so a key of few characters ("aaaa…",
 * "password" four times) and a sequence ("0123…", "abcd…") both measure low. A phrase can
 * still measure high: it is a floor for keys that are plainly not random, not a proof of
 * randomness.
 */
export function keyBits(key: string): number {
  const points = Array.from(key, (c) => c.codePointAt(0)!);
  const steps = points.slice(1).map((p, i) => p - points[i]!);
  return Math.min(shannonBits(points), shannonBits(steps));
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
