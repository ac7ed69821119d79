import type { Condition, ConditionContext, Conditions } from "../types.ts";
import { CATALOGUE, type FactEntry, PRIMITIVES_BY_KIND } from "./catalogue.ts";
import {
  normalizeLabel,
  OPERATORS_BY_PRIMITIVE,
  type Operator,
  type Primitive,
  parseOperator,
  parsePrimitive,
  positiveOf,
} from "./operators.ts";
import { compileValueTest } from "./primitives.ts";
import { phrase } from "./requirement.ts";
import { fail, isRecord, show, type Test } from "./shared.ts";
import { compileTagTest } from "./tags.ts";
import { isNumeric } from "./values.ts";

/** The outcome of evaluating conditions; `requirement` says what did not hold. */
export type ConditionResult = { ok: true } | { ok: false; requirement: string };

/** Conditions compiled once into closures, evaluated many times. */
export interface CompiledConditions {
  /** True when there is no condition at all (the conditions always hold). */
  readonly empty: boolean;
  evaluate(ctx: ConditionContext): ConditionResult;
  /**
   * Whether some group's conditions on the customer all hold, its conditions on the event
   * left open: whether an event could meet them for this customer.
   */
  openTo(ctx: ConditionContext): boolean;
}

interface CompiledCondition {
  holds(ctx: ConditionContext): boolean;
  requirement: string;
  ofCustomer: boolean;
}

const OK: ConditionResult = Object.freeze({ ok: true });

/**
 * Compiles stored OR-of-AND conditions; throws VALIDATION_FAILED naming the field path. Durations
 * are read as stored: one accepted before today's bounds still compiles.
 */
export function compileConditions(conditions: unknown, path = "conditions"): CompiledConditions {
  return compileGroups(conditions, path, false).compiled;
}

/**
 * Validates conditions being written (throws VALIDATION_FAILED naming the path) and returns them
 * for storage; `bounded` false accepts the durations stored conditions may hold.
 */
export function validateConditions(
  conditions: unknown,
  path = "conditions",
  bounded = true,
): Conditions {
  return compileGroups(conditions, path, bounded).normalized;
}

function compileGroups(
  conditions: unknown,
  path: string,
  bounded: boolean,
): { compiled: CompiledConditions; normalized: Conditions } {
  if (!Array.isArray(conditions)) {
    fail(path, `must be an array of condition groups (arrays), got ${show(conditions)}`);
  }
  const normalized: Conditions = [];
  const groups: CompiledCondition[][] = conditions.map((group, i) => {
    const where = `${path}[${i}]`;
    if (!Array.isArray(group)) fail(where, `must be an array of conditions, got ${show(group)}`);
    const out: Condition[] = [];
    normalized.push(out);
    return group.map((raw, j) => compileOne(raw, `${where}[${j}]`, out, bounded));
  });
  const empty = groups.every((g) => g.length === 0);
  const evaluate = (ctx: ConditionContext): ConditionResult => {
    let firstFailure: string | undefined;
    for (const group of groups) {
      let failed: string | undefined;
      for (const c of group) {
        if (!c.holds(ctx)) {
          failed = c.requirement;
          break;
        }
      }
      if (failed === undefined) return OK;
      firstFailure ??= failed;
    }
    return firstFailure === undefined ? OK : { ok: false, requirement: firstFailure };
  };
  const openTo = (ctx: ConditionContext): boolean =>
    groups.length === 0 || groups.some((g) => g.every((c) => !c.ofCustomer || c.holds(ctx)));
  return { compiled: { empty, evaluate, openTo }, normalized };
}

function compileOne(
  raw: unknown,
  where: string,
  out: Condition[],
  bounded: boolean,
): CompiledCondition {
  if (!isRecord(raw)) {
    fail(where, `must be an object with type, operator, primitive and value, got ${show(raw)}`);
  }
  const { type, operator, primitive, value, message } = raw;
  if (typeof type !== "string") fail(`${where}.type`, "must be a string naming a condition type");
  const entry = CATALOGUE.get(normalizeLabel(type));
  if (!entry) fail(`${where}.type`, `unknown condition type ${show(type)}`);
  if (typeof operator !== "string") fail(`${where}.operator`, "must be a string");
  const op = parseOperator(operator);
  if (!op) fail(`${where}.operator`, `unknown operator ${show(operator)}`);
  if (typeof primitive !== "string") fail(`${where}.primitive`, "must be a string");
  const declared = parsePrimitive(primitive);
  if (!declared) fail(`${where}.primitive`, `unknown primitive ${show(primitive)}`);
  if (message !== undefined && message !== null && typeof message !== "string") {
    fail(`${where}.message`, "must be a string");
  }
  const prim = effectivePrimitive(entry, declared, op, value, where);
  if (!PRIMITIVES_BY_KIND[entry.kind].has(prim)) {
    const fits = [...PRIMITIVES_BY_KIND[entry.kind]].join(", ");
    fail(
      `${where}.primitive`,
      `primitive ${show(primitive)} does not fit condition type "${entry.label}" (use ${fits})`,
    );
  }
  if (!OPERATORS_BY_PRIMITIVE[prim].has(op)) {
    fail(`${where}.operator`, `operator ${show(operator)} is not allowed for primitive "${prim}"`);
  }
  const { op: positive, negate } = positiveOf(op);
  const compared = entry.upperCase ? upperCased(value) : value;
  const test =
    entry.kind === "tags"
      ? compileTagTest(prim, positive, compared, `${where}.value`, bounded)
      : compileValueTest(prim, positive, compared, `${where}.value`, bounded);
  const stored: Condition = { type, operator, primitive, value };
  if (message !== undefined) stored.message = message as string | null;
  out.push(stored);
  const requirement =
    typeof message === "string" && message.trim() !== ""
      ? message
      : `${entry.label} must ${phrase(op, prim, value)}`;
  return {
    holds: holdsFn(entry, test, negate),
    requirement,
    ofCustomer: entry.ofCustomer === true,
  };
}

/** A condition's value(s) in upper case, for a fact kept so (event types are case-insensitive). */
const upperCased = (value: unknown): unknown =>
  typeof value === "string"
    ? value.toUpperCase()
    : Array.isArray(value)
      ? value.map(upperCased)
      : value;

/** A numeric fact written with primitive "string" and a numeric value is compared as a number. */
function effectivePrimitive(
  entry: FactEntry,
  declared: Primitive,
  op: Operator,
  value: unknown,
  where: string,
): Primitive {
  if (entry.kind !== "number" || declared !== "string") return declared;
  const numeric = Array.isArray(value)
    ? (op === "between" || op === "in" || op === "nin") &&
      value.length > 0 &&
      value.every(isNumeric)
    : isNumeric(value);
  if (!numeric)
    fail(`${where}.value`, `"${entry.label}" is numeric: needs numbers, got ${show(value)}`);
  return "number";
}

function holdsFn(
  entry: FactEntry,
  test: Test,
  negate: boolean,
): (ctx: ConditionContext) => boolean {
  if (!entry.many) {
    return (ctx) => {
      const f = entry.read(ctx);
      if (f === undefined || f === null) return false;
      return negate ? !test(f, ctx.now) : test(f, ctx.now);
    };
  }
  return (ctx) => {
    const list = entry.read(ctx);
    if (!Array.isArray(list)) return false;
    let any = false;
    for (const f of list) {
      if (test(f, ctx.now)) {
        any = true;
        break;
      }
    }
    return negate ? !any : any;
  };
}
