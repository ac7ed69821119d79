// What no text or jsonb column could store — NUL characters, lone surrogates, absurd nesting —
// found in a JSON value: the REST app's check of bodies, queries and paths, and the check of
// JSON sent as a string (jsonOrString), which the body check cannot see inside.

/** How deep JSON may nest. */
export const MAX_JSON_DEPTH = 32;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text or jsonb, if it cannot. */
export function badString(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode (no lone surrogates)";
  return null;
}

/** A value PostgreSQL could not store: why, and the keys and indexes leading to it. */
export interface Unsafe {
  why: string;
  at: (string | number)[];
}

/** The first value PostgreSQL could not store; allocates nothing while all is well. */
export function scanUnsafe(value: unknown, depth = 0): Unsafe | null {
  if (typeof value === "string") {
    const why = badString(value);
    return why ? { why, at: [] } : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (depth > MAX_JSON_DEPTH)
    return { why: `is nested more than ${MAX_JSON_DEPTH} levels deep`, at: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = scanUnsafe(value[i], depth + 1);
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
    const found = scanUnsafe((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.at.unshift(key);
      return found;
    }
  }
  return null;
}

/** The first value PostgreSQL could not store, with its path under `root`, or null. */
export function findUnsafe(value: unknown, root: string): string | null {
  const found = scanUnsafe(value);
  if (!found) return null;
  let path = root;
  for (const step of found.at) {
    path += typeof step === "number" ? `[${step}]` : path ? `.${step}` : step;
  }
  return `${path || "body"}: ${found.why}`;
}
