import { z } from "zod";
import { MAX_DECIMALS } from "../common.ts";

/** Significant digits a JS number holds exactly: a decimal with more would be rounded. */
const EXACT_DIGITS = 15;
const DECIMAL = /^\d{1,13}(\.\d{1,8})?$/;

/**
 * A non-negative money or reward amount as the internal API carries it: a decimal string
 * ("12.50"), never a float. Read into the number the services take only when that number is
 * the decimal exactly (at most 15 significant digits); anything else is refused, never rounded.
 */
export const zDecimal = (opts: { positive?: boolean } = {}) =>
  z
    .string()
    .regex(DECIMAL, `must be a decimal string such as "12.50" (at most ${MAX_DECIMALS} decimals)`)
    .refine((s) => s.replace(".", "").replace(/^0+/, "").length <= EXACT_DIGITS, {
      message: `must have at most ${EXACT_DIGITS} significant digits`,
    })
    .refine((s) => !opts.positive || Number(s) > 0, { message: "must be greater than 0" })
    .transform(Number);

/** A number the services answer, as the decimal string the internal API sends. */
export function toDecimalString(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(MAX_DECIMALS).replace(/0+$/, "").replace(/\.$/, "");
}

/** An amount the internal API answers: a decimal string. */
export const ZDecimalStringSchema = z.string();
