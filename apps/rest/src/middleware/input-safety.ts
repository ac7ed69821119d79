import { DomainError } from "@tally/core";
import type { RequestHandler } from "express";

const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text or jsonb, if it cannot. */
function badString(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode (no lone surrogates)";
  return null;
}

/** A value PostgreSQL could not store: why, and the keys and indexes leading to it. */
interface Unsafe {
  why: string;
  at: (string | number)[];
}

/** The first value PostgreSQL could not store; allocates nothing while all is well. */
function scan(value: unknown, depth: number): Unsafe | null {
  if (typeof value === "string") {
    const why = badString(value);
    return why ? { why, at: [] } : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (depth > MAX_DEPTH) return { why: `is nested more than ${MAX_DEPTH} levels deep`, at: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = scan(value[i], depth + 1);
      if (found) {
        found.at.unshift(i);
        return found;
      }
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const keyProblem = badString(key);
    if (keyProblem) return { why: `a key ${keyProblem}`, at: [] };
    const found = scan((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.at.unshift(key);
      return found;
    }
  }
  return null;
}

/** The first value PostgreSQL could not store, with its path under `root`, or null. */
function findUnsafe(value: unknown, root: string): string | null {
  const found = scan(value, 0);
  if (!found) return null;
  let path = root;
  for (const step of found.at) {
    path += typeof step === "number" ? `[${step}]` : path ? `.${step}` : step;
  }
  return `${path || "body"}: ${found.why}`;
}

/**
 * Refuses (400) bodies, query strings and paths that no column could store: NUL
 * characters, lone surrogates, absurd nesting. One check here instead of one in
 * every schema, so nothing of the kind ever reaches PostgreSQL as a 500.
 */
export const inputSafety: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    throw new DomainError("VALIDATION_FAILED", "path: is not valid percent-encoding");
  }
  const problem =
    (badString(path) && `path: ${badString(path)}`) ||
    findUnsafe(req.query, "query") ||
    findUnsafe(req.body, "");
  if (problem) throw new DomainError("VALIDATION_FAILED", problem);
  next();
};
