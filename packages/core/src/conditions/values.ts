import type Decimal from "decimal.js";
import { dec } from "../decimal.ts";
import type { PositiveOperator } from "./operators.ts";
import { fail, listOf, pairOf, show, type Test } from "./shared.ts";

/** A numeric condition value, kept both as an exact decimal and as a double. */
interface NumVal {
  dec: Decimal;
  num: number;
  /** Comparing doubles is exact when the value has ≤ 15 significant digits (see cmpNum). */
  fast: boolean;
}

const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Whether a value is a finite number or a decimal string. */
export function isNumeric(raw: unknown): boolean {
  return (
    (typeof raw === "number" && Number.isFinite(raw)) ||
    (typeof raw === "string" && DECIMAL_RE.test(raw.trim()))
  );
}

function parseNumber(raw: unknown, where: string): NumVal {
  if (!isNumeric(raw)) fail(where, `must be a finite number, got ${show(raw)}`);
  const d = dec(typeof raw === "string" ? raw.trim() : (raw as number));
  const num = d.toNumber();
  const abs = Math.abs(num);
  const fast = d.sd() <= 15 && (abs === 0 || (abs > 1e-300 && abs < 1e300));
  return { dec: d, num, fast };
}

/**
 * Compares a fact with a value as exact decimals. A double fact stands for its shortest decimal
 * string; when the value has at most 15 significant digits, two distinct such decimals never map
 * to one double, so comparing the doubles gives the decimal answer without allocating.
 */
function cmpNum(fact: unknown, v: NumVal): number | undefined {
  if (typeof fact === "number") {
    if (!Number.isFinite(fact)) return undefined;
    if (v.fast) return fact < v.num ? -1 : fact > v.num ? 1 : 0;
    return dec(fact).cmp(v.dec);
  }
  if (typeof fact === "string" && DECIMAL_RE.test(fact.trim())) return dec(fact.trim()).cmp(v.dec);
  return undefined;
}

/** Compiles a number/currency test. */
export function numberTest(op: PositiveOperator, raw: unknown, where: string): Test {
  if (op === "between") {
    const [a, b] = pairOf(raw, where);
    const lo = parseNumber(a, `${where}[0]`);
    const hi = parseNumber(b, `${where}[1]`);
    if (lo.dec.gt(hi.dec)) fail(where, `the minimum ${show(a)} exceeds the maximum ${show(b)}`);
    return (f) => {
      const c1 = cmpNum(f, lo);
      return c1 !== undefined && c1 >= 0 && cmpNum(f, hi)! <= 0;
    };
  }
  if (op === "in") {
    const vs = listOf(raw, where).map((x, i) => parseNumber(x, `${where}[${i}]`));
    return (f) => vs.some((v) => cmpNum(f, v) === 0);
  }
  const v = parseNumber(raw, where);
  switch (op) {
    case "eq":
      return (f) => cmpNum(f, v) === 0;
    case "gt":
      return (f) => cmpNum(f, v) === 1;
    case "gte": {
      return (f) => (cmpNum(f, v) ?? -1) >= 0;
    }
    case "lt":
      return (f) => cmpNum(f, v) === -1;
    case "lte":
      return (f) => (cmpNum(f, v) ?? 1) <= 0;
    default:
      return fail(where, `operator not supported for numbers`);
  }
}

function parseString(raw: unknown, where: string): string {
  if (typeof raw !== "string") fail(where, `must be a string, got ${show(raw)}`);
  return raw;
}

/** Compiles a string test (exact, case-sensitive comparison). */
export function stringTest(op: PositiveOperator, raw: unknown, where: string): Test {
  if (op === "in") {
    const set = new Set(listOf(raw, where).map((x, i) => parseString(x, `${where}[${i}]`)));
    return (f) => typeof f === "string" && set.has(f);
  }
  const v = parseString(raw, where);
  if (op === "eq") return (f) => f === v;
  if (op === "contains") return (f) => typeof f === "string" && f.includes(v);
  return fail(where, `operator not supported for strings`);
}

/** Compiles a boolean test. */
export function booleanTest(op: PositiveOperator, raw: unknown, where: string): Test {
  if (typeof raw !== "boolean") fail(where, `must be true or false, got ${show(raw)}`);
  if (op !== "eq") fail(where, `operator not supported for booleans`);
  return (f) => f === raw;
}
