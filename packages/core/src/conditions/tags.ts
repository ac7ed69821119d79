import type { PositiveOperator, Primitive } from "./operators.ts";
import { compileValueTest } from "./primitives.ts";
import { fail, isRecord, listOf, show, type Test } from "./shared.ts";

/**
 * Tag conditions ("Product Tag", "Customer Tag", "Event Tag") read a key/value map. The value names
 * a tag as `{key, value}` or `"key:value"`; without a value (`{key}` or `"key"`) only the key's
 * presence is tested. The tag's value is compared under the condition's primitive; an array tag
 * value matches when any element does.
 */
export function compileTagTest(
  primitive: Primitive,
  op: PositiveOperator,
  raw: unknown,
  where: string,
  bounded: boolean,
): Test {
  if (op === "in") {
    const specs = listOf(raw, where).map((x, i) =>
      specTest(primitive, "eq", x, `${where}[${i}]`, bounded),
    );
    return (f, now) => specs.some((t) => t(f, now));
  }
  return specTest(primitive, op, raw, where, bounded);
}

function specTest(
  primitive: Primitive,
  op: PositiveOperator,
  raw: unknown,
  where: string,
  bounded: boolean,
): Test {
  const bad = () =>
    fail(where, `must name a tag as {"key": …, "value": …} or "key:value", got ${show(raw)}`);
  let key: string;
  let value: unknown;
  let valueWhere = where;
  if (typeof raw === "string") {
    const i = raw.indexOf(":");
    key = (i < 0 ? raw : raw.slice(0, i)).trim();
    value = i < 0 ? undefined : fromText(primitive, raw.slice(i + 1).trim());
  } else if (isRecord(raw)) {
    if (typeof raw.key !== "string") return fail(`${where}.key`, "must be a string");
    key = raw.key.trim();
    value = raw.value ?? undefined;
    valueWhere = `${where}.value`;
  } else {
    return bad();
  }
  if (key === "") return bad();
  if (value === undefined) {
    if (op !== "eq" && op !== "contains") fail(where, `the tag ${show(key)} needs a value`);
    return (f) => lookup(f, key) !== undefined;
  }
  const test = compileValueTest(primitive, op, value, valueWhere, bounded);
  return (f, now) => {
    const v = lookup(f, key);
    if (v === undefined) return false;
    if (Array.isArray(v)) return v.some((x) => test(coerce(primitive, x), now));
    return test(coerce(primitive, v), now);
  };
}

function lookup(map: unknown, key: string): unknown {
  if (!isRecord(map) || !Object.hasOwn(map, key)) return undefined;
  return map[key] ?? undefined;
}

/** Reads the value part of a "key:value" string for the primitive (booleans from "true"/"false"). */
function fromText(primitive: Primitive, text: string): unknown {
  if (primitive === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** Tags are free-form: compare numbers/booleans as text under "string", "true"/"false" as booleans. */
function coerce(primitive: Primitive, v: unknown): unknown {
  if (primitive === "string" && (typeof v === "number" || typeof v === "boolean")) return String(v);
  if (primitive === "boolean" && (v === "true" || v === "false")) return v === "true";
  return v;
}
