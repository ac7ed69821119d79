import { type CompiledConditions, compileConditions } from "./conditions/compile.ts";
import type { ConditionContext, Conditions, TierFacts } from "./types.ts";

const CACHE_LIMIT = 1_000;
const cache = new Map<string, CompiledConditions>();

/** Compiles tier conditions once per distinct content (tiers are reloaded per event). */
function compiled(conditions: Conditions, path: string): CompiledConditions {
  const key = JSON.stringify(conditions);
  let c = cache.get(key);
  if (!c) {
    c = compileConditions(conditions, path);
    cache.set(key, c);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  return c;
}

const holds = (conditions: Conditions, path: string, ctx: ConditionContext) =>
  compiled(conditions, path).evaluate(ctx).ok;

/** The highest ACTIVE tier above the current one whose entry conditions hold, or null. */
export function tierToPromote(opts: {
  tiers: TierFacts[];
  currentTierId: string;
  ctx: ConditionContext;
}): TierFacts | null {
  const current = opts.tiers.find((t) => t.id === opts.currentTierId);
  // A customer in an unknown (deleted) tier may enter any tier, Base included.
  const level = current?.level ?? 0;
  let best: TierFacts | null = null;
  for (const t of opts.tiers) {
    if (t.status !== "ACTIVE" || t.level <= level) continue;
    if (best !== null && t.level <= best.level) continue;
    if (holds(t.entry_conditions, "entry_conditions", opts.ctx)) best = t;
  }
  return best;
}

/**
 * When the current tier's exit conditions are set and hold: the highest ACTIVE lower tier whose
 * entry conditions hold (the level-1 Base tier always qualifies); otherwise null.
 */
export function tierToDemote(opts: {
  tiers: TierFacts[];
  currentTierId: string;
  ctx: ConditionContext;
}): TierFacts | null {
  const current = opts.tiers.find((t) => t.id === opts.currentTierId);
  if (!current) return null;
  const exit = compiled(current.exit_conditions, "exit_conditions");
  if (exit.empty || !exit.evaluate(opts.ctx).ok) return null;
  let best: TierFacts | null = null;
  for (const t of opts.tiers) {
    if (t.level >= current.level || (best !== null && t.level <= best.level)) continue;
    const isBase = t.level === 1;
    if (!isBase && t.status !== "ACTIVE") continue;
    if (isBase || holds(t.entry_conditions, "entry_conditions", opts.ctx)) best = t;
  }
  return best;
}
