import { OPERATOR_TEXT, type Operator, type Primitive } from "./operators.ts";
import { isRecord } from "./shared.ts";

function describe(value: unknown): string {
  if (value === null || value === undefined) return "today";
  if (Array.isArray(value)) return value.map(describe).join(", ");
  if (isRecord(value)) {
    const v = value.value;
    return v === undefined || v === null ? String(value.key) : `${value.key}:${describe(v)}`;
  }
  return String(value);
}

const VERBS: Partial<Record<Operator, string>> = {
  contains: "contain",
  ncontains: "not contain",
  in: "be one of",
  nin: "not be one of",
};

const RELATIVE: Partial<Record<Operator, string>> = {
  eq: "be within the last",
  ne: "not be within the last",
  gt: "be more than",
  gte: "be at least",
  lt: "be less than",
  lte: "be at most",
};

/** A readable sentence tail for the generated requirement, e.g. "be greater than 9.95". */
export function phrase(op: Operator, prim: Primitive, value: unknown): string {
  const text = (v: unknown) => describe(v).replace("/", " ");
  if (prim === "relative date" && op !== "between") {
    const ago = op === "eq" || op === "ne" ? "" : " ago";
    return `${RELATIVE[op]} ${text(value)}${ago}`;
  }
  if (op === "between" && Array.isArray(value)) {
    const [a, b] = prim === "relative date" ? value.map((v) => `${text(v)} ago`) : value;
    return `be between ${describe(a)} and ${describe(b)}`;
  }
  return `${VERBS[op] ?? `be ${OPERATOR_TEXT[op]}`} ${describe(value)}`;
}
