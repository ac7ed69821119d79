/** Operator and primitive vocabulary of conditions (docs/api-decisions.md#conditions). */

export type Operator =
  | "eq"
  | "ne"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "between"
  | "contains"
  | "ncontains"
  | "in"
  | "nin";

/** The operators a compiled test implements; the negated ones are evaluated as `!positive`. */
export type PositiveOperator = Exclude<Operator, "ne" | "ncontains" | "nin">;

export type Primitive =
  | "string"
  | "number"
  | "currency"
  | "boolean"
  | "absolute date"
  | "relative date"
  | "recurring date";

const OPERATOR_LABELS: Record<string, Operator> = {
  "equal to": "eq",
  "not equal to": "ne",
  "greater than": "gt",
  "grater than": "gt",
  "greater than or equal to": "gte",
  "grater than or equal to": "gte",
  "less than": "lt",
  "less than or equal to": "lte",
  between: "between",
  contains: "contains",
  "does not contain": "ncontains",
  "is one of": "in",
  "is not one of": "nin",
};

/** Canonical label of each operator, used in generated requirement sentences. */
export const OPERATOR_TEXT: Record<Operator, string> = {
  eq: "equal to",
  ne: "not equal to",
  gt: "greater than",
  gte: "greater than or equal to",
  lt: "less than",
  lte: "less than or equal to",
  between: "between",
  contains: "contains",
  ncontains: "does not contain",
  in: "is one of",
  nin: "is not one of",
};

/** Every primitive of docs/api-decisions.md#conditions. */
export const PRIMITIVES: ReadonlySet<Primitive> = new Set<Primitive>([
  "string",
  "number",
  "currency",
  "boolean",
  "absolute date",
  "relative date",
  "recurring date",
]);

const ORDERED: Operator[] = ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "nin"];
const TEXTUAL: Operator[] = ["eq", "ne", "contains", "ncontains", "in", "nin"];

/** Which operators each primitive accepts. */
export const OPERATORS_BY_PRIMITIVE: Record<Primitive, ReadonlySet<Operator>> = {
  string: new Set(TEXTUAL),
  number: new Set(ORDERED),
  currency: new Set(ORDERED),
  boolean: new Set<Operator>(["eq", "ne"]),
  "absolute date": new Set(ORDERED),
  "relative date": new Set<Operator>(["eq", "ne", "gt", "gte", "lt", "lte", "between"]),
  "recurring date": new Set<Operator>(["eq", "ne", "between", "in", "nin"]),
};

/** Normalises a label: trimmed, lower case, inner whitespace collapsed. */
export function normalizeLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, " ");
}

/** The operator a label names, or undefined. */
export function parseOperator(label: string): Operator | undefined {
  return OPERATOR_LABELS[normalizeLabel(label)];
}

/** The primitive a label names, or undefined. */
export function parsePrimitive(label: string): Primitive | undefined {
  const p = normalizeLabel(label);
  return PRIMITIVES.has(p as Primitive) ? (p as Primitive) : undefined;
}

/** Splits a negated operator into its positive form and a negate flag. */
export function positiveOf(op: Operator): { op: PositiveOperator; negate: boolean } {
  if (op === "ne") return { op: "eq", negate: true };
  if (op === "ncontains") return { op: "contains", negate: true };
  if (op === "nin") return { op: "in", negate: true };
  return { op, negate: false };
}
