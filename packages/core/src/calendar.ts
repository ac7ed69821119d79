/**
 * UTC calendar helpers shared by expiry, conditions, budgets and metrics; `addUnits` and
 * `startOfUtcDay` are exported for the service's date windows.
 */

export type CalendarUnit = "day" | "week" | "month" | "year";

const DAY_MS = 86_400_000;

/** Days in a UTC month (`month` 0-based, may overflow into other years). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * Adds `n` (possibly negative) calendar units in UTC, keeping the time of day.
 * Days and weeks are exact multiples of 24 h; months and years clamp to the month's last day.
 */
export function addUnits(from: Date, n: number, unit: CalendarUnit): Date {
  if (unit === "day") return new Date(from.getTime() + n * DAY_MS);
  if (unit === "week") return new Date(from.getTime() + n * 7 * DAY_MS);
  const months = unit === "year" ? n * 12 : n;
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const day = Math.min(from.getUTCDate(), daysInMonth(y, m));
  return new Date(
    Date.UTC(
      y,
      m,
      day,
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  );
}

/** The first and last instants PostgreSQL and ISO-8601 both write plainly: years 0001–9999 (UTC). */
export const MIN_INSTANT = new Date("0001-01-01T00:00:00.000Z").getTime();
export const MAX_INSTANT = new Date("9999-12-31T23:59:59.999Z").getTime();

/** Whether `at` is a real instant within years 0001–9999 (UTC): one the ledger can store. */
export function isStorableInstant(at: Date): boolean {
  const t = at.getTime();
  return t >= MIN_INSTANT && t <= MAX_INSTANT;
}

/** Start (00:00 UTC) of the day holding `at`. */
export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** ISO weekday of `at` in UTC: Monday = 1 … Sunday = 7. */
export function isoWeekday(at: Date): number {
  return at.getUTCDay() || 7;
}

/** Whether `year` is a leap year in the proleptic Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
