import { validateConditions } from "./conditions/compile.ts";
import { fail, isRecord, show } from "./conditions/shared.ts";
import { DomainError } from "./errors.ts";
import { parseExpiry } from "./expiry.ts";
import type { Effect, Rule } from "./types.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CALCULATIONS = new Set(["PER_UNIT_SPENT", "FIXED"]);

/**
 * Validates campaign rules `[{conditions, effects}]` (also given as a JSON-encoded string) and
 * returns them normalised; throws VALIDATION_FAILED naming the path, e.g. `rules[1].effects[0].amount`.
 * `bounded` false accepts the durations stored rules may hold from before today's bounds.
 */
export function validateRules(rules: unknown, path = "rules", bounded = true): Rule[] {
  let list = rules;
  if (typeof list === "string") {
    try {
      list = JSON.parse(list);
    } catch {
      fail(path, "is a string but not valid JSON");
    }
  }
  if (!Array.isArray(list)) fail(path, `must be an array of rules, got ${show(list)}`);
  return list.map((raw, i) => {
    const where = `${path}[${i}]`;
    if (!isRecord(raw)) fail(where, `must be an object with conditions and effects`);
    const conditions = validateConditions(raw.conditions ?? [], `${where}.conditions`, bounded);
    if (!Array.isArray(raw.effects)) {
      fail(`${where}.effects`, `must be an array of effects, got ${show(raw.effects)}`);
    }
    const effects = raw.effects.map((e, j) => validateEffect(e, `${where}.effects[${j}]`, bounded));
    return { conditions, effects };
  });
}

function validateEffect(raw: unknown, where: string, bounded: boolean): Effect {
  if (!isRecord(raw)) fail(where, "must be an object with reward_id and amount");
  const { reward_id, tier_id, amount, expiration_date, calculation } = raw;
  if (typeof reward_id !== "string" || !UUID_RE.test(reward_id)) {
    fail(`${where}.reward_id`, `must be a reward id (uuid), got ${show(reward_id)}`);
  }
  if (tier_id !== undefined && tier_id !== null && (typeof tier_id !== "string" || !tier_id)) {
    fail(`${where}.tier_id`, `must be a tier id or null, got ${show(tier_id)}`);
  }
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0) {
    fail(`${where}.amount`, `must be a finite number greater than 0, got ${show(amount)}`);
  }
  const expiry = expiration_date ?? null;
  if (expiry !== null) {
    if (typeof expiry !== "string") {
      fail(`${where}.expiration_date`, `must be a string like "12/months" or null`);
    }
    try {
      parseExpiry(expiry, bounded);
    } catch (e) {
      if (e instanceof DomainError) fail(`${where}.expiration_date`, e.details);
      throw e;
    }
  }
  const effect: Effect = {
    reward_id,
    tier_id: (tier_id as string | null | undefined) ?? null,
    amount,
    expiration_date: expiry,
  };
  if (calculation !== undefined && calculation !== null) {
    if (typeof calculation !== "string" || !CALCULATIONS.has(calculation)) {
      fail(`${where}.calculation`, `must be "PER_UNIT_SPENT" or "FIXED", got ${show(calculation)}`);
    }
    effect.calculation = calculation as Effect["calculation"];
  }
  return effect;
}
