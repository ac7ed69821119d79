import { addUnits, type CalendarUnit } from "./calendar.ts";
import { DomainError } from "./errors.ts";

const EXPIRY_RE = /^\s*(\d+)\/(days?|weeks?|months?|years?)\s*$/i;

/**
 * The longest duration a write accepts, per unit: 100 years. Every instant computed from a
 * duration (a lot's expiry from an event's issued_at, a relative date from now) then stays
 * within years 0001–9999 for as long as the clock reads before year 9899.
 */
export const MAX_DURATION: Readonly<Record<CalendarUnit, number>> = {
  year: 100,
  month: 1_200,
  week: 5_200,
  day: 36_500,
};

const longest = `${MAX_DURATION.year}/years, ${MAX_DURATION.month}/months, ${MAX_DURATION.week}/weeks or ${MAX_DURATION.day}/days`;

/**
 * Parses a duration "<N>/<unit>" (unit day(s)/week(s)/month(s)/year(s), any case). `bounded`
 * (what a write accepts) holds N to MAX_DURATION; a stored value is read with `bounded` false,
 * so a duration accepted before the bound existed still reads.
 */
export function parseExpiry(value: string, bounded = true): { n: number; unit: CalendarUnit } {
  const m = typeof value === "string" ? EXPIRY_RE.exec(value) : null;
  if (!m) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `expiry ${JSON.stringify(value)} is not of the form "<N>/<unit>" with unit day(s), week(s), month(s) or year(s)`,
    );
  }
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase().replace(/s$/, "") as CalendarUnit;
  if (n < 1) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `expiry ${JSON.stringify(value)} must have a whole number of at least 1 before the "/"`,
    );
  }
  if (bounded && n > MAX_DURATION[unit]) {
    throw new DomainError(
      "VALIDATION_FAILED",
      `expiry ${JSON.stringify(value)} is longer than 100 years (at most ${longest})`,
    );
  }
  return { n, unit };
}

/**
 * The expiry instant `value` after `from` (UTC calendar arithmetic, month ends clamp); null →
 * never. `value` is read as stored (unbounded): the caller checks the instant can be stored.
 */
export function addExpiry(from: Date, value: string | null): Date | null {
  if (value === null) return null;
  const { n, unit } = parseExpiry(value, false);
  return addUnits(from, n, unit);
}
