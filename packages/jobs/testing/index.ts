import type { TTrigger } from "../src/index.ts";

/** A trigger fired by hand: tick(pattern) runs every job scheduled on it. */
export function manualTrigger() {
  const ticks = new Map<string, (() => void)[]>();
  const trigger: TTrigger = (pattern, tick) => {
    ticks.set(pattern, [...(ticks.get(pattern) ?? []), tick]);
    return () => ticks.set(pattern, []);
  };
  const tick = (pattern: string) => {
    for (const f of ticks.get(pattern) ?? []) f();
  };
  return { trigger, tick };
}
