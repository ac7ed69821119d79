/** Waits after the 1st, 2nd, … failed attempt; every later one waits an hour. */
const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
const HOUR_MS = 3_600_000;
/** How long a delivery is retried, from its creation (or redelivery), before it is dead. */
export const RETRY_WINDOW_MS = 24 * HOUR_MS;

/**
 * When to try again after failed attempt `attempts` (1-based), with ±20 % jitter so that
 * receivers coming back are not hit by every delivery at once; null once the next try would
 * fall outside the retry window (the delivery is dead). `random` is in [0, 1).
 */
export function nextAttemptAt(opts: {
  attempts: number;
  windowStart: Date;
  now: Date;
  random: number;
}): Date | null {
  const base = BACKOFF_MS[opts.attempts - 1] ?? HOUR_MS;
  const wait = Math.round(base * (0.8 + 0.4 * opts.random));
  const at = opts.now.getTime() + wait;
  if (at > opts.windowStart.getTime() + RETRY_WINDOW_MS) return null;
  return new Date(at);
}
