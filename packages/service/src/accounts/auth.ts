import { DomainError } from "@tally/core";
import type { Db } from "@tally/db";
import { jwtVerify, SignJWT } from "jose";
import type { Principal } from "../kernel/index.ts";
import { hashKey } from "./accounts.ts";

const TOKEN_TTL_SECONDS = 3600;
/** Who signs every token (`iss`). */
export const TOKEN_ISSUER = "tally";
/** The storefront API's audience (`aud`): a token for another API (another audience) never works here. */
export const STOREFRONT_AUDIENCE = "storefront";
/** How far in the future a token's `iat` may lie: clocks of app processes on other hosts drift. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Exchanges an API key for a signed one-hour JWT naming the key, its kind and the account,
 * issued by `TOKEN_ISSUER` for `audience` (default the storefront API).
 */
export async function issueToken(opts: {
  db: Db;
  secret: Uint8Array;
  apiKey: string | undefined;
  now: Date;
  audience?: string;
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
    .setIssuer(TOKEN_ISSUER)
    .setAudience(opts.audience ?? STOREFRONT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_TTL_SECONDS)
    .sign(opts.secret);
}

const MAX_CACHED_TOKENS = 10_000;
interface Verified {
  principal: Principal;
  audience: string;
  iatMs: number;
  expMs: number;
}
/** Tokens already verified, per signing secret: HMAC checks were a visible share of a request's CPU. */
const verified = new WeakMap<Uint8Array, Map<string, Verified>>();

/**
 * Verifies a bearer token for `audience` (default the storefront API); any fault is a 401:
 * missing, bad signature, expired, or without `exp`, `iat`, `sub`, our issuer and exactly this
 * audience, issued more than a minute in the future, or claiming a life longer than an hour.
 */
export async function verifyToken(opts: {
  secret: Uint8Array;
  authorization: string | undefined;
  now: Date;
  audience?: string;
}): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(opts.authorization ?? "");
  if (!match)
    throw new DomainError("UNAUTHORIZED", "header Authorization: Bearer <token> is required");
  const token = match[1]!;
  const audience = opts.audience ?? STOREFRONT_AUDIENCE;
  const nowMs = opts.now.getTime();
  const cache = verified.get(opts.secret) ?? new Map<string, Verified>();
  verified.set(opts.secret, cache);
  // A hit holds only for the audience it was verified for, and within the same time checks.
  const hit = cache.get(token);
  if (
    hit &&
    hit.audience === audience &&
    hit.expMs > nowMs &&
    hit.iatMs <= nowMs + CLOCK_SKEW_SECONDS * 1000
  )
    return hit.principal;
  try {
    const { payload } = await jwtVerify(token, opts.secret, {
      algorithms: ["HS256"],
      issuer: TOKEN_ISSUER,
      audience,
      requiredClaims: ["exp", "iat", "sub"],
      currentDate: opts.now,
    });
    const { kind, iat, exp } = payload as { iat: number; exp: number; kind?: unknown };
    if (
      payload.aud !== audience ||
      iat > nowMs / 1000 + CLOCK_SKEW_SECONDS ||
      exp - iat > TOKEN_TTL_SECONDS ||
      typeof payload.acc !== "string" ||
      typeof payload.sub !== "string" ||
      (kind !== "SERVER" && kind !== "CLIENT")
    ) {
      throw new Error("claims");
    }
    const principal: Principal = { accountId: payload.acc, keyId: payload.sub, kind };
    if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!);
    cache.set(token, { principal, audience, iatMs: iat * 1000, expMs: exp * 1000 });
    return principal;
  } catch (error) {
    const expired = (error as { code?: string }).code === "ERR_JWT_EXPIRED";
    throw new DomainError("UNAUTHORIZED", expired ? "token has expired" : "token is not valid");
  }
}
