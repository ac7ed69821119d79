import { z } from "zod";

/**
 * An event type: a built-in one or an account's custom type (letters, digits,
 * '_' and '-'). Types are case-insensitive, so they are kept in upper case:
 * "purchase" is PURCHASE, for matching and for the SERVER-only check alike.
 */
export const ZEventTypeSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, '_' or '-'")
  .transform((t) => t.toUpperCase());
