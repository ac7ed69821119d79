import { z } from "zod";
import { scanUnsafe } from "./input-safety.ts";

/** A caller's id (customer ids, brand/store/channel ids): non-empty, bounded. */
export const ZIdSchema = z.string().trim().min(1).max(128);
export const ZUuidSchema = z.uuid();
export const ZNameSchema = z.string().trim().min(1).max(255);
export const ZTextSchema = z.string().max(2000);
/** The largest money or reward amount accepted (a trillion), far inside exact decimal range. */
export const MAX_AMOUNT = 1e12;
/** The largest integer a count column holds (PostgreSQL `integer`). */
export const MAX_INT = 2_147_483_647;
/** Amounts carry at most this many decimal places (so sums stay exact). */
export const MAX_DECIMALS = 8;
// Runs for every amount of every body (a 20-line order has dozens): no regex, no split.
const fitsDecimals = (n: number): boolean => {
  if (Number.isInteger(n)) return true;
  const text = String(n);
  // A fraction JavaScript writes with an exponent is below 1e-6: more places than allowed.
  if (text.includes("e")) return false;
  return text.length - text.indexOf(".") - 1 <= MAX_DECIMALS;
};
const decimalsMessage = `must have at most ${MAX_DECIMALS} decimal places`;
/** A non-negative, finite amount of money or reward units (JSON number). */
export const ZAmountSchema = z
  .number()
  .finite()
  .nonnegative()
  .max(MAX_AMOUNT)
  .refine(fitsDecimals, decimalsMessage);
/** A strictly positive, finite amount. */
export const ZPositiveAmountSchema = z
  .number()
  .finite()
  .positive()
  .max(MAX_AMOUNT)
  .refine(fitsDecimals, decimalsMessage);
/** A signed amount (ledger rows: negative = spent), bounded like the others. */
export const ZSignedAmountSchema = z
  .number()
  .finite()
  .min(-MAX_AMOUNT)
  .max(MAX_AMOUNT)
  .refine(fitsDecimals, decimalsMessage);
/** The widest UTC offset of a real time zone (Kiribati, +14:00); PostgreSQL refuses beyond 15:59. */
const MAX_OFFSET_MINUTES = 14 * 60;
const OFFSET_RE = /([+-])(\d{2}):(\d{2})$/;

/**
 * ISO-8601 date-time with a zone (UTC offset at most ±14:00), or a plain date (taken as UTC
 * midnight); years 1–9999 of its UTC instant.
 */
export const ZDateTimeSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .refine((v) => {
    const m = v.length > 10 ? OFFSET_RE.exec(v) : null;
    return !m || Number(m[2]) * 60 + Number(m[3]) <= MAX_OFFSET_MINUTES;
  }, "must have a UTC offset between -14:00 and +14:00")
  .refine((v) => {
    // The instant's UTC year: an offset may carry 0001-01-01T00:00+01:00 into year 0.
    const at = new Date(v);
    const year = at.getUTCFullYear();
    return !Number.isNaN(at.getTime()) && year >= 1 && year <= 9999;
  }, "must be a real date between years 0001 and 9999");
export const ZObjectSchema = z.record(z.string(), z.unknown());
export const ZStringListSchema = z.array(z.string().min(1).max(128)).max(100);

/** `platforms`/`labels` arrive as strings or as dashboard `{label, value}` pairs; we keep the values. */
export const ZLabelListSchema = z
  .array(
    z.union([
      z.string().min(1).max(128),
      z.object({ label: z.string().optional(), value: z.string().min(1).max(128) }),
    ]),
  )
  .max(100)
  .transform((items) => items.map((i) => (typeof i === "string" ? i : i.value)));

/**
 * Masivo's doc versions send some objects as JSON-encoded strings; accept both. The parsed
 * string is held to the limits a JSON body is (depth, NUL, lone surrogates), which the body check
 * could not see inside the string.
 */
export function jsonOrString<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== "string") return value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.issues.push({ code: "custom", message: "is not valid JSON", input: value });
      return z.NEVER;
    }
    const unsafe = scanUnsafe(parsed);
    if (unsafe) {
      ctx.issues.push({ code: "custom", message: unsafe.why, input: value });
      return z.NEVER;
    }
    return parsed;
  }, schema);
}

/**
 * A whole number in digits given once in a query string, `min`..`max`: missing is "is required",
 * given twice, empty or written otherwise (`0x10`, `1e2`, ` 7 `) is said so (not "received NaN").
 */
export const queryIndex = (min = 0, max = 1e9) =>
  z.preprocess((value, ctx) => {
    if (Array.isArray(value)) {
      ctx.issues.push({ code: "custom", message: "is given more than once", input: value });
      return z.NEVER;
    }
    if (typeof value !== "string") return value;
    if (!/^\d+$/.test(value)) {
      ctx.issues.push({ code: "custom", message: "must be a whole number", input: value });
      return z.NEVER;
    }
    return Number(value);
  }, z.number().int().min(min).max(max));

/** 0-based inclusive index pagination (`from`/`to` query strings). */
export const ZRangeQuerySchema = z
  .object({
    from: queryIndex(),
    to: queryIndex(),
  })
  .refine((q) => q.to >= q.from, { message: "must not be less than from", path: ["to"] })
  .refine((q) => q.to - q.from < 1000, {
    message: "a page holds at most 1000 items",
    path: ["to"],
  });

export const ZConditionSchema = z.object({
  type: z.string().min(1).max(100),
  operator: z.string().min(1).max(100),
  primitive: z.string().min(1).max(50),
  value: z.unknown(),
  message: z.string().max(500).nullish(),
});
export const ZConditionsSchema = z.array(z.array(ZConditionSchema).max(50)).max(50);

export const EVENT_TYPES_SERVER_ONLY = [
  "PURCHASE",
  "REGISTRATION",
  "BIRTHDAY",
  "TIER_ADJUSTMENT",
  "ABANDONED_CART",
] as const;
export const REWARD_TYPES = ["POINTS", "DISCOUNT", "GIFT_CARD", "PRODUCT"] as const;
export const TRANSACTION_TYPES = [
  "ACCUMULATION",
  "REDEMPTION",
  "EXPIRATION",
  "MIGRATION",
  "TRANSFER",
  "REVERSAL",
  "ADJUSTMENT",
] as const;
export const CAMPAIGN_TYPES = ["BEHAVIOR", "COUPONS", "PUNCH_CARDS", "REFERRALS"] as const;
