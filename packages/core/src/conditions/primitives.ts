import { absoluteDateTest, relativeDateTest } from "./dates.ts";
import type { PositiveOperator, Primitive } from "./operators.ts";
import { recurringDateTest } from "./recurring.ts";
import type { Test } from "./shared.ts";
import { booleanTest, numberTest, stringTest } from "./values.ts";

/**
 * Compiles the positive test of `op` with `value` under `primitive`; throws on a value that does
 * not fit. `bounded`: durations are held to what a write accepts (MAX_DURATION).
 */
export function compileValueTest(
  primitive: Primitive,
  op: PositiveOperator,
  value: unknown,
  where: string,
  bounded: boolean,
): Test {
  switch (primitive) {
    case "number":
    case "currency":
      return numberTest(op, value, where);
    case "string":
      return stringTest(op, value, where);
    case "boolean":
      return booleanTest(op, value, where);
    case "absolute date":
      return absoluteDateTest(op, value, where);
    case "relative date":
      return relativeDateTest(op, value, where, bounded);
    case "recurring date":
      return recurringDateTest(op, value, where);
  }
}
