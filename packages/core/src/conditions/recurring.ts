import { daysInMonth, isLeapYear, isoWeekday } from "../calendar.ts";
import type { PositiveOperator } from "./operators.ts";
import { factMs, fail, listOf, pairOf, show, type Test } from "./shared.ts";

/** A recurring-date value: an ISO weekday, a month-day (month × 100 + day), or "today". */
type Recurring = { kind: "weekday"; n: number } | { kind: "md"; md: number } | { kind: "today" };

const MD_RE = /^(\d{2})-(\d{2})$/;

function parseRecurring(raw: unknown, where: string, allowToday: boolean): Recurring {
  if (allowToday && (raw === null || raw === undefined)) return { kind: "today" };
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 1 && raw <= 7) {
    return { kind: "weekday", n: raw };
  }
  if (typeof raw === "string") {
    const s = raw.trim();
    if (/^[1-7]$/.test(s)) return { kind: "weekday", n: Number(s) };
    if (allowToday && s.toLowerCase() === "today") return { kind: "today" };
    const m = MD_RE.exec(s);
    if (m) {
      const [mo, d] = [Number(m[1]), Number(m[2])];
      if (mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(2024, mo - 1)) {
        return { kind: "md", md: mo * 100 + d };
      }
    }
  }
  return fail(
    where,
    `must be a weekday 1-7 (Monday = 1), a "MM-DD" month-day${allowToday ? ' or "today"' : ""}, got ${show(raw)}`,
  );
}

function monthDay(at: Date): number {
  return (at.getUTCMonth() + 1) * 100 + at.getUTCDate();
}

/** Whether the fact date falls on the recurring value; a Feb 29 fact counts as Feb 28 in a non-leap "today". */
function matches(v: Recurring, fact: Date, now: Date): boolean {
  if (v.kind === "weekday") return isoWeekday(fact) === v.n;
  if (v.kind === "md") return monthDay(fact) === v.md;
  const md = monthDay(fact);
  const adjusted = md === 229 && !isLeapYear(now.getUTCFullYear()) ? 228 : md;
  return adjusted === monthDay(now);
}

function inRange(x: number, lo: number, hi: number): boolean {
  return lo <= hi ? x >= lo && x <= hi : x >= lo || x <= hi;
}

/**
 * Compiles a recurring-date test: the fact's UTC weekday or month-day. "equal to" without a value
 * (or "today") means the fact's month-day is now's; "between" is inclusive and may wrap around
 * (e.g. ["12-15", "01-15"], or weekdays [6, 1]).
 */
export function recurringDateTest(op: PositiveOperator, raw: unknown, where: string): Test {
  let check: (fact: Date, now: Date) => boolean;
  if (op === "between") {
    const [a, b] = pairOf(raw, where);
    const lo = parseRecurring(a, `${where}[0]`, false);
    const hi = parseRecurring(b, `${where}[1]`, false);
    if (lo.kind !== hi.kind) fail(where, "both bounds must be weekdays or both month-days");
    if (lo.kind === "weekday" && hi.kind === "weekday") {
      check = (f) => inRange(isoWeekday(f), lo.n, hi.n);
    } else {
      const [l, h] = [(lo as { md: number }).md, (hi as { md: number }).md];
      check = (f) => inRange(monthDay(f), l, h);
    }
  } else if (op === "in") {
    const vs = listOf(raw, where).map((x, i) => parseRecurring(x, `${where}[${i}]`, true));
    check = (f, now) => vs.some((v) => matches(v, f, now));
  } else if (op === "eq") {
    const v = parseRecurring(raw, where, true);
    check = (f, now) => matches(v, f, now);
  } else {
    return fail(where, "operator not supported for recurring dates");
  }
  return (f, now) => {
    const t = factMs(f);
    return t !== undefined && check(new Date(t), now);
  };
}
