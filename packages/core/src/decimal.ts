import Decimal from "decimal.js";
import { DomainError } from "./errors.ts";

/** The engine's decimal constructor: 40 significant digits, ties rounded half away from zero. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export type DecimalLike = Decimal | string | number;

/**
 * Converts to an engine decimal; numbers go through their shortest string so 0.1 stays 0.1.
 * An engine decimal is answered as is (decimals are immutable), saving an allocation.
 */
export function dec(x: DecimalLike): Decimal {
  if (x instanceof D) return x;
  return new D(typeof x === "number" ? String(x) : x);
}

/** Rounds a money amount to 2 decimals, half away from zero. */
export function roundMoney(x: DecimalLike): Decimal {
  return dec(x).toDecimalPlaces(2, D.ROUND_HALF_UP);
}

/** Rounds a percentage to 4 decimals, half away from zero. */
export function roundPercent(x: DecimalLike): Decimal {
  return dec(x).toDecimalPlaces(4, D.ROUND_HALF_UP);
}

/** Rounds toward -infinity at `decimals` places. */
export function floorTo(x: DecimalLike, decimals: number): Decimal {
  return dec(x).toDecimalPlaces(decimals, D.ROUND_FLOOR);
}

/** Rounds toward +infinity at `decimals` places. */
export function ceilTo(x: DecimalLike, decimals: number): Decimal {
  return dec(x).toDecimalPlaces(decimals, D.ROUND_CEIL);
}

/** The JSON number for a decimal (the Number of its exact decimal string; never -0). */
export function toWireNumber(x: DecimalLike): number {
  const n = Number(dec(x).toString());
  return n === 0 ? 0 : n;
}

/** Integer BigInt of `x × 10^scale`; `x` must have at most `scale` decimals. */
function scaled(x: Decimal, scale: number): bigint {
  return BigInt(x.toFixed(scale).replace(".", ""));
}

/**
 * Splits `total` proportionally to `weights` in units of 10^-decimals, the parts summing exactly
 * to `total`: each part is first rounded down, then the leftover units go by largest remainder
 * (ties → earlier index). All-zero weights split evenly the same way; no weights → [].
 */
export function allocate(total: DecimalLike, weights: DecimalLike[], decimals = 2): Decimal[] {
  if (weights.length === 0) return [];
  const t = dec(total);
  if (!Number.isInteger(decimals) || decimals < 0) {
    throw new DomainError("INTERNAL", `allocate: decimals must be a non-negative integer`);
  }
  if (!t.isFinite() || t.decimalPlaces() > decimals) {
    throw new DomainError(
      "INTERNAL",
      `allocate: total ${t} is not a number at ${decimals} decimals`,
    );
  }
  const ws = weights.map(dec);
  if (ws.some((w) => !w.isFinite() || w.isNeg())) {
    throw new DomainError("INTERNAL", "allocate: weights must be finite and non-negative");
  }
  const wScale = Math.max(...ws.map((w) => w.decimalPlaces()));
  let ints = ws.map((w) => scaled(w, wScale));
  let sum = ints.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    ints = ints.map(() => 1n);
    sum = BigInt(ints.length);
  }
  const units = scaled(t.abs(), decimals);
  const floors = ints.map((w) => (units * w) / sum);
  const rems = ints.map((w) => (units * w) % sum);
  let left = units - floors.reduce((a, b) => a + b, 0n);
  const order = ints.map((_, i) => i);
  order.sort((a, b) => {
    const ra = rems[a]!;
    const rb = rems[b]!;
    return ra === rb ? a - b : ra > rb ? -1 : 1;
  });
  for (const i of order) {
    if (left <= 0n) break;
    floors[i] = floors[i]! + 1n;
    left -= 1n;
  }
  const sign = t.isNeg() ? "-" : "";
  return floors.map((u) => (u === 0n ? new D(0) : new D(`${sign}${u}e-${decimals}`)));
}
