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

/** The first value PostgreSQL could not store, with its path, or null. */
function findUnsafe(value: unknown, path: string, depth: number): string | null {
  if (typeof value === "string") {
    const why = badString(value);
    return why ? `${path || "body"}: ${why}` : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (depth > MAX_DEPTH) return `${path || "body"}: is nested more than ${MAX_DEPTH} levels deep`;
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`[${i}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [path ? `.${k}` : k, v] as const);
  for (const [key, child] of entries) {
    const keyProblem = badString(key);
    if (keyProblem) return `${path || "body"}: a key ${keyProblem}`;
    const found = findUnsafe(child, `${path}${key}`, depth + 1);
    if (found) return found;
  }
  return null;
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
    findUnsafe(req.query, "query", 0) ||
    findUnsafe(req.body, "", 0);
  if (problem) throw new DomainError("VALIDATION_FAILED", problem);
  next();
};
