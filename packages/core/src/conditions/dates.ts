import { addUnits, type CalendarUnit, daysInMonth } from "../calendar.ts";
import { DomainError } from "../errors.ts";
import { parseExpiry } from "../expiry.ts";
import type { PositiveOperator } from "./operators.ts";
import { DATE_RE, DATE_TIME_RE, factMs, fail, listOf, pairOf, show, type Test } from "./shared.ts";

/**
 * An absolute date value as the half-open interval [start, end) it names: a whole UTC day for
 * "YYYY-MM-DD", one millisecond for a date-time (no offset = UTC).
 */
function parseAbsolute(raw: unknown, where: string): { start: number; end: number } {
  const bad = () => fail(where, `must be an ISO date or date-time, got ${show(raw)}`);
  if (typeof raw !== "string") return bad();
  const s = raw.trim();
  const m = DATE_RE.exec(s) ?? DATE_TIME_RE.exec(s);
  if (!m) return bad();
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo - 1)) return bad();
  if (m.length === 4) {
    const start = Date.UTC(y, mo - 1, d);
    return { start, end: start + 86_400_000 };
  }
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return bad();
  const t = Date.parse(m[8] ? s : `${s}Z`);
  if (Number.isNaN(t)) return bad();
  return { start: t, end: t + 1 };
}

/** Compiles an absolute-date test; after/before mean after the end / before the start of the value. */
export function absoluteDateTest(op: PositiveOperator, raw: unknown, where: string): Test {
  let inside: (t: number) => boolean;
  if (op === "between") {
    const [a, b] = pairOf(raw, where);
    const lo = parseAbsolute(a, `${where}[0]`);
    const hi = parseAbsolute(b, `${where}[1]`);
    if (lo.start >= hi.end) fail(where, `the first date ${show(a)} is after the second ${show(b)}`);
    inside = (t) => t >= lo.start && t < hi.end;
  } else if (op === "in") {
    const vs = listOf(raw, where).map((x, i) => parseAbsolute(x, `${where}[${i}]`));
    inside = (t) => vs.some((v) => t >= v.start && t < v.end);
  } else {
    const v = parseAbsolute(raw, where);
    const byOp: Partial<Record<PositiveOperator, (t: number) => boolean>> = {
      eq: (t) => t >= v.start && t < v.end,
      gt: (t) => t >= v.end,
      gte: (t) => t >= v.start,
      lt: (t) => t < v.start,
      lte: (t) => t < v.end,
    };
    inside = byOp[op] ?? fail(where, "operator not supported for absolute dates");
  }
  return (f) => {
    const t = factMs(f);
    return t !== undefined && inside(t);
  };
}

function parseRelative(raw: unknown, where: string, bounded: boolean) {
  try {
    return parseExpiry(raw as string, bounded);
  } catch (e) {
    if (e instanceof DomainError) fail(where, e.details);
    throw e;
  }
}

/** How far ahead of the server's clock an event's issued_at is accepted (clock skew). */
export const CLOCK_SKEW_MS = 60_000;

/**
 * Compiles a relative-date test. With P = now − N units: "equal to" = within the last N units
 * (P ≤ fact ≤ now); "greater than" = older than N units (fact < P), "greater than or equal to"
 * fact ≤ P; "less than" = newer than N units (fact > P), "less than or equal to" fact ≥ P;
 * "between" [a, b] = the fact's age lies between the two spans, inclusive. `bounded`: the spans
 * are held to MAX_DURATION (a write), else read as stored.
 */
export function relativeDateTest(
  op: PositiveOperator,
  raw: unknown,
  where: string,
  bounded: boolean,
): Test {
  // Days and weeks are fixed spans in UTC: no Date needs allocating on the hot path.
  const point = (r: { n: number; unit: CalendarUnit }, now: Date) =>
    r.unit === "day" || r.unit === "week"
      ? now.getTime() - r.n * (r.unit === "day" ? 86_400_000 : 604_800_000)
      : addUnits(now, -r.n, r.unit).getTime();
  let check: (t: number, now: Date) => boolean;
  if (op === "between") {
    const [a, b] = pairOf(raw, where);
    const ra = parseRelative(a, `${where}[0]`, bounded);
    const rb = parseRelative(b, `${where}[1]`, bounded);
    check = (t, now) => {
      const pa = point(ra, now);
      const pb = point(rb, now);
      return t >= Math.min(pa, pb) && t <= Math.max(pa, pb);
    };
  } else {
    const r = parseRelative(raw, where, bounded);
    const byOp: Partial<Record<PositiveOperator, (t: number, now: Date) => boolean>> = {
      // "Within the last N": up to now, and the minute ahead an event's issued_at may be.
      eq: (t, now) => t >= point(r, now) && t <= now.getTime() + CLOCK_SKEW_MS,
      gt: (t, now) => t < point(r, now),
      gte: (t, now) => t <= point(r, now),
      lt: (t, now) => t > point(r, now),
      lte: (t, now) => t >= point(r, now),
    };
    check = byOp[op] ?? fail(where, "operator not supported for relative dates");
  }
  return (f, now) => {
    const t = factMs(f);
    return t !== undefined && check(t, now);
  };
}
