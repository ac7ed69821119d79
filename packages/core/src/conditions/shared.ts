import { DomainError } from "../errors.ts";

/** A compiled positive test of one fact value at a given evaluation instant. */
export type Test = (fact: unknown, now: Date) => boolean;

/** Throws the validation error for the field at `where`. */
export function fail(where: string, message: string): never {
  throw new DomainError("VALIDATION_FAILED", `${where}: ${message}`);
}

/** A short JSON rendering of a value for error messages. */
export function show(value: unknown): string {
  const s = value === undefined ? "undefined" : JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Whether `value` is a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The two elements of a `between` value, or a validation error. */
export function pairOf(raw: unknown, where: string): [unknown, unknown] {
  if (!Array.isArray(raw) || raw.length !== 2) {
    fail(where, `"between" needs a [min, max] array of two values, got ${show(raw)}`);
  }
  return [raw[0], raw[1]];
}

/** The elements of an `is one of` value, or a validation error. */
export function listOf(raw: unknown, where: string): unknown[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    fail(where, `needs a non-empty array of values, got ${show(raw)}`);
  }
  return raw;
}

export const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Milliseconds of a fact date (a Date, or an ISO string from a tag); undefined when not a date. */
export function factMs(fact: unknown): number | undefined {
  if (fact instanceof Date) {
    const t = fact.getTime();
    return Number.isNaN(t) ? undefined : t;
  }
  if (typeof fact === "string") {
    const dt = DATE_TIME_RE.exec(fact);
    if (!dt && !DATE_RE.test(fact)) return undefined;
    const t = Date.parse(dt && !dt[8] ? `${fact}Z` : fact);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
