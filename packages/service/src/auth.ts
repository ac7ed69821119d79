import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { jwtVerify, SignJWT } from "jose";
import { hashKey } from "./accounts.ts";
import type { Principal } from "./deps.ts";

const TOKEN_TTL_SECONDS = 3600;

/** Exchanges an API key for a signed one-hour JWT naming the key, its kind and the account. */
export async function issueToken(opts: {
  db: Db;
  secret: Uint8Array;
  apiKey: string | undefined;
  now: Date;
}) {
  if (!opts.apiKey) throw new DomainError("UNAUTHORIZED", "header x-api-key is required");
  const key = await opts.db
    .selectFrom("api_keys")
    .select(["account_id", "id", "kind"])
    .where("key_hash", "=", hashKey(opts.apiKey))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!key) throw new DomainError("UNAUTHORIZED", "x-api-key is not a valid API key");
  const iat = Math.floor(opts.now.getTime() / 1000);
  return new SignJWT({ acc: key.account_id, kind: key.kind })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(key.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_TTL_SECONDS)
    .sign(opts.secret);
}

const MAX_CACHED_TOKENS = 10_000;
/** Tokens already verified, per signing secret: HMAC checks were a visible share of a request's CPU. */
const verified = new WeakMap<Uint8Array, Map<string, { principal: Principal; expMs: number }>>();

/** Verifies a bearer token; any fault (missing, bad signature, expired) is a 401. */
export async function verifyToken(opts: {
  secret: Uint8Array;
  authorization: string | undefined;
  now: Date;
}): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(opts.authorization ?? "");
  if (!match)
    throw new DomainError("UNAUTHORIZED", "header Authorization: Bearer <token> is required");
  const token = match[1]!;
  const cache = verified.get(opts.secret) ?? new Map();
  verified.set(opts.secret, cache);
  const hit = cache.get(token);
  if (hit && hit.expMs > opts.now.getTime()) return hit.principal;
  try {
    const { payload } = await jwtVerify(token, opts.secret, {
      algorithms: ["HS256"],
      currentDate: opts.now,
    });
    const kind = payload.kind;
    if (
      typeof payload.acc !== "string" ||
      typeof payload.sub !== "string" ||
      (kind !== "SERVER" && kind !== "CLIENT")
    ) {
      throw new Error("claims");
    }
    const principal: Principal = { accountId: payload.acc, keyId: payload.sub, kind };
    if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!);
    cache.set(token, { principal, expMs: (payload.exp ?? 0) * 1000 });
    return principal;
  } catch (error) {
    const expired = (error as { code?: string }).code === "ERR_JWT_EXPIRED";
    throw new DomainError("UNAUTHORIZED", expired ? "token has expired" : "token is not valid");
  }
}
