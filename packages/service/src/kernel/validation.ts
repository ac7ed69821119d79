import { DomainError } from "@tally/core";
import { formatIssues } from "@tally/schemas";
import type { z } from "zod";

/** Parses with a zod schema or throws the 400 that names every bad field. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix = "",
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new DomainError("VALIDATION_FAILED", formatIssues(result.error, prefix));
  return result.data;
}
