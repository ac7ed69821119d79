import { type DecimalLike, dec, roundMoney, toWireNumber } from "./decimal.ts";
import type { CustomerMetrics, PeriodMetrics } from "./types.ts";

type Span = "year" | "quarter" | "month";

/** The rolling periods: each `this_X` becomes `last_X` when X turns over. */
const ROLLING: { span: Span; current: string; previous: string }[] = [
  { span: "year", current: "this_year", previous: "last_year" },
  { span: "quarter", current: "this_quarter", previous: "last_quarter" },
  { span: "month", current: "this_month", previous: "last_month" },
];

/** Every period key, lifetime first. */
export const METRIC_PERIODS = [
  "lifetime",
  "this_year",
  "last_year",
  "this_quarter",
  "last_quarter",
  "this_month",
  "last_month",
] as const;

/** UTC bounds of the span holding `at`, shifted by `offset` spans: from = first ms, to = last ms. */
function bounds(span: Span, at: Date, offset: 0 | -1): { from: Date; to: Date } {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const [start, next] =
    span === "year"
      ? [Date.UTC(y + offset, 0, 1), Date.UTC(y + offset + 1, 0, 1)]
      : span === "quarter"
        ? [Date.UTC(y, m - (m % 3) + 3 * offset, 1), Date.UTC(y, m - (m % 3) + 3 * offset + 3, 1)]
        : [Date.UTC(y, m + offset, 1), Date.UTC(y, m + offset + 1, 1)];
  return { from: new Date(start), to: new Date(next - 1) };
}

function emptyPeriod(b: { from: Date; to: Date } | null): PeriodMetrics {
  return {
    from: b ? b.from.toISOString() : null,
    to: b ? b.to.toISOString() : null,
    last_visit: null,
    spend_total: 0,
    number_of_purchases: 0,
  };
}

function periodBounds(key: string, now: Date): { from: Date; to: Date } | null {
  for (const r of ROLLING) {
    if (key === r.current) return bounds(r.span, now, 0);
    if (key === r.previous) return bounds(r.span, now, -1);
  }
  return null;
}

/** Fresh metrics for a customer: every period at zero, bounded around `now`. */
export function emptyMetrics(now: Date): CustomerMetrics {
  const out: CustomerMetrics = {};
  for (const key of METRIC_PERIODS) out[key] = emptyPeriod(periodBounds(key, now));
  out.updated_at = now.toISOString();
  return out;
}

const isPeriod = (v: unknown): v is PeriodMetrics => typeof v === "object" && v !== null;
const startsAt = (p: PeriodMetrics | undefined, d: Date) =>
  p?.from != null && Date.parse(p.from) === d.getTime();

/**
 * A copy of the metrics as of `now`: the rolling periods moved on to the ones holding `now` (this
 * month's figures become last month's once the month turns, an older one is zero), as a customer
 * is shown whether or not a purchase has rolled the stored figures yet.
 */
export function rollMetrics(metrics: CustomerMetrics, now: Date): CustomerMetrics {
  const out: CustomerMetrics = {};
  for (const [k, v] of Object.entries(metrics)) out[k] = isPeriod(v) ? { ...v } : v;
  const life = out.lifetime;
  out.lifetime = isPeriod(life) ? { ...life, from: null, to: null } : emptyPeriod(null);
  for (const r of ROLLING) {
    const cur = bounds(r.span, now, 0);
    const prev = bounds(r.span, now, -1);
    const thisP = isPeriod(out[r.current]) ? (out[r.current] as PeriodMetrics) : undefined;
    const lastP = isPeriod(out[r.previous]) ? (out[r.previous] as PeriodMetrics) : undefined;
    if (startsAt(thisP, cur.from)) {
      if (!startsAt(lastP, prev.from)) out[r.previous] = emptyPeriod(prev);
      continue;
    }
    out[r.previous] = startsAt(thisP, prev.from)
      ? { ...thisP!, from: prev.from.toISOString(), to: prev.to.toISOString() }
      : emptyPeriod(prev);
    out[r.current] = emptyPeriod(cur);
  }
  return out;
}

/**
 * Applies a purchase (sign 1) or its reversal (sign -1) to a copy of the metrics: rolls periods to
 * `now`, then adds value (rounded to the cent) × sign to spend_total and sign to
 * number_of_purchases of lifetime and every period holding `at` (both floored at 0); a purchase
 * also advances last_visit, and reversing the last one clears it.
 */
export function applyPurchaseToMetrics(opts: {
  metrics: CustomerMetrics;
  value: DecimalLike;
  at: Date;
  now: Date;
  sign?: 1 | -1;
}): CustomerMetrics {
  const sign = opts.sign ?? 1;
  const out = rollMetrics(opts.metrics, opts.now);
  const at = opts.at.getTime();
  // The purchase counts as the money it moved, to the cent, once: a reversal then takes away
  // exactly what the purchase added, however many sub-cent purchases came in between.
  const delta = roundMoney(dec(opts.value)).times(sign);
  for (const key of METRIC_PERIODS) {
    const p = out[key] as PeriodMetrics;
    const inside =
      key === "lifetime" ||
      (p.from !== null && p.to !== null && Date.parse(p.from) <= at && at <= Date.parse(p.to));
    if (!inside) continue;
    const spend = dec(p.spend_total ?? 0).plus(delta);
    p.spend_total = spend.isNeg() ? 0 : toWireNumber(spend);
    p.number_of_purchases = Math.max(0, (p.number_of_purchases ?? 0) + sign);
    // Reversing the last purchase leaves no visit (an earlier one is not known here).
    if (sign === -1 && p.number_of_purchases === 0) p.last_visit = null;
    if (
      sign === 1 &&
      (p.last_visit === null || p.last_visit === undefined || Date.parse(p.last_visit) < at)
    ) {
      p.last_visit = opts.at.toISOString();
    }
  }
  out.updated_at = opts.now.toISOString();
  return out;
}
