import { describe, expect, it } from "vitest";
import { compileConditions, validateConditions } from "../src/conditions/index.ts";
import { DomainError } from "../src/errors.ts";
import { cond, ctx } from "./fixtures.ts";

function detailsOf(conditions: unknown, path?: string): string {
  try {
    compileConditions(conditions, path);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("VALIDATION_FAILED");
    return (e as DomainError).details;
  }
  throw new Error("expected a validation error");
}

describe("condition validation", () => {
  it("names the path with the caller's prefix", () => {
    const conditions = [
      [cond("Order Value", "greater than", "number", 1)],
      [
        cond("Order Value", "greater than", "number", 1),
        cond("Order Value", "bigger", "number", 1),
      ],
    ];
    expect(detailsOf(conditions, "rules[0].conditions")).toBe(
      'rules[0].conditions[1][1].operator: unknown operator "bigger"',
    );
    expect(detailsOf([[cond("Order Value", "bigger", "number", 1)]])).toBe(
      'conditions[0][0].operator: unknown operator "bigger"',
    );
  });

  it.each([
    ["not an array", { a: 1 }, /^conditions: must be an array/],
    [
      "a flat list",
      [cond("Order Value", "equal to", "number", 1)],
      /^conditions\[0\]: must be an array/,
    ],
    ["a non-object condition", [["Order Value"]], /^conditions\[0\]\[0\]: must be an object/],
    [
      "unknown type",
      [[cond("Order Colour", "equal to", "string", "red")]],
      /^conditions\[0\]\[0\]\.type: unknown condition type "Order Colour"/,
    ],
    [
      "missing type",
      [[{ operator: "equal to", primitive: "string", value: "x" }]],
      /\.type: must be a string/,
    ],
    [
      "unknown primitive",
      [[cond("Order Value", "equal to", "money", 1)]],
      /\.primitive: unknown primitive "money"/,
    ],
    [
      "primitive not fitting the type",
      [[cond("Order Value", "equal to", "absolute date", "2026-01-01")]],
      /\.primitive: primitive "absolute date" does not fit condition type "Order Value"/,
    ],
    [
      "string primitive on a date",
      [[cond("Event Date", "equal to", "string", "x")]],
      /\.primitive: /,
    ],
    [
      "operator not allowed",
      [[cond("Order Value", "contains", "number", 1)]],
      /\.operator: operator "contains" is not allowed for primitive "number"/,
    ],
    [
      "ordering on strings",
      [[cond("Store", "greater than", "string", "a")]],
      /\.operator: .*primitive "string"/,
    ],
    [
      "between needs two values",
      [[cond("Order Value", "between", "number", [1])]],
      /\.value: "between" needs a \[min, max\]/,
    ],
    [
      "between min above max",
      [[cond("Order Value", "between", "number", [5, 1])]],
      /\.value: the minimum 5 exceeds the maximum 1/,
    ],
    [
      "is one of needs an array",
      [[cond("Store", "is one of", "string", "a")]],
      /\.value: needs a non-empty array/,
    ],
    [
      "non-finite number",
      [[cond("Order Value", "equal to", "number", Number.POSITIVE_INFINITY)]],
      /\.value: must be a finite number/,
    ],
    [
      "number as text",
      [[cond("Order Value", "equal to", "number", "ten")]],
      /\.value: must be a finite number, got "ten"/,
    ],
    [
      "element of a list",
      [[cond("Order Value", "is one of", "number", [1, "x"])]],
      /\.value\[1\]: must be a finite number/,
    ],
    [
      "string value for a string fact",
      [[cond("Store", "equal to", "string", 7)]],
      /\.value: must be a string/,
    ],
    [
      "impossible date",
      [[cond("Event Date", "equal to", "absolute date", "2026-02-30")]],
      /\.value: must be an ISO date/,
    ],
    [
      "unparseable date",
      [[cond("Event Date", "equal to", "absolute date", "yesterday")]],
      /\.value: must be an ISO date/,
    ],
    [
      "bad relative date",
      [[cond("Event Date", "equal to", "relative date", "30/fortnights")]],
      /\.value: expiry "30\/fortnights"/,
    ],
    [
      "bad recurring date",
      [[cond("Event Date", "equal to", "recurring date", "13-01")]],
      /\.value: must be a weekday 1-7/,
    ],
    [
      "weekday out of range",
      [[cond("Event Date", "equal to", "recurring date", 8)]],
      /\.value: must be a weekday/,
    ],
    [
      "mixed recurring bounds",
      [[cond("Event Date", "between", "recurring date", [1, "12-01"])]],
      /\.value: both bounds/,
    ],
    [
      "boolean as text",
      [[cond("Customer Tag", "equal to", "boolean", { key: "vip", value: "yes" })]],
      /\.value\.value: must be true or false/,
    ],
    [
      "tag without key",
      [[cond("Customer Tag", "equal to", "string", { value: "x" })]],
      /\.value\.key: must be a string/,
    ],
    [
      "tag comparison without value",
      [[cond("Customer Tag", "greater than", "number", "score")]],
      /\.value: the tag "score" needs a value/,
    ],
    [
      "bad message",
      [[{ ...cond("Store", "equal to", "string", "a"), message: 5 }]],
      /\.message: must be a string/,
    ],
  ])("rejects %s", (_name, conditions, pattern) => {
    expect(detailsOf(conditions)).toMatch(pattern);
  });

  it("returns the conditions as given, minus unknown fields", () => {
    const input = [
      [
        {
          type: "Order Value",
          operator: "grater than",
          primitive: "string",
          value: 9.95,
          extra: 1,
        },
        { ...cond("Store", "equal to", "string", "s1"), message: "Only in store s1" },
      ],
    ];
    expect(validateConditions(input)).toEqual([
      [
        { type: "Order Value", operator: "grater than", primitive: "string", value: 9.95 },
        {
          type: "Store",
          operator: "equal to",
          primitive: "string",
          value: "s1",
          message: "Only in store s1",
        },
      ],
    ]);
    expect(validateConditions([])).toEqual([]);
  });
});

describe("relative-date durations", () => {
  const older = (value: unknown) => [
    [cond("Customer Registration Date", "greater than", "relative date", value)],
  ];

  it("are bounded to 100 years when written, naming the value's path", () => {
    expect(() => validateConditions(older("100/years"))).not.toThrow();
    expect(() => validateConditions(older("101/years"), "rules[0].conditions")).toThrow(
      'rules[0].conditions[0][0].value: expiry "101/years" is longer than 100 years',
    );
    const between = [
      [cond("Customer Registration Date", "between", "relative date", ["1/days", "36501/days"])],
    ];
    expect(() => validateConditions(between)).toThrow(
      /^VALIDATION_FAILED: conditions\[0\]\[0\]\.value\[1\]: expiry "36501\/days" is longer/,
    );
    const tag = [[cond("Customer Tag", "greater than", "relative date", "since:1201/months")]];
    expect(() => validateConditions(tag)).toThrow(/conditions\[0\]\[0\]\.value: expiry "1201/);
  });

  it("stored longer (before the bound existed) still compile and evaluate", () => {
    const compiled = compileConditions(older("500/years"));
    // Registered in 2026: not older than 500 years.
    expect(compiled.evaluate(ctx()).ok).toBe(false);
    const newer = [[cond("Customer Registration Date", "less than", "relative date", "500/years")]];
    expect(compileConditions(newer).evaluate(ctx()).ok).toBe(true);
    expect(validateConditions(older("500/years"), "conditions", false)).toEqual(older("500/years"));
  });
});
