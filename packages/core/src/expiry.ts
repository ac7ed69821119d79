import { addUnits, type CalendarUnit } from "./calendar.ts";
import { DomainError } from "./errors.ts";

const EXPIRY_RE = /^\s*(\d+)\/(days?|weeks?|months?|years?)\s*$/i;
/** Largest N accepted, so that any expiry stays far inside the JS Date range. */
const MAX_N = 10_000;

/** Parses an expiry string "<N>/<unit>" (unit day(s)/week(s)/month(s)/year(s), any case). */
export function parseExpiry(value: string): { n: number; unit: CalendarUnit } {
  const m = typeof value === "string" ? EXPIRY_RE.exec(value) : null;
  if (!m) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `expiry ${JSON.stringify(value)} is not of the form "<N>/<unit>" with unit day(s), week(s), month(s) or year(s)`,
    );
  }
  const n = Number(m[1]);
  if (n < 1 || n > MAX_N) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `expiry ${JSON.stringify(value)} must have a whole number from 1 to ${MAX_N} before the "/"`,
    );
  }
  const unit = m[2]!.toLowerCase().replace(/s$/, "") as CalendarUnit;
  return { n, unit };
}

/** The expiry instant `value` after `from` (UTC calendar arithmetic, month ends clamp); null → never. */
export function addExpiry(from: Date, value: string | null): Date | null {
  if (value === null) return null;
  const { n, unit } = parseExpiry(value);
  return addUnits(from, n, unit);
}
