import { availableParallelism, loadavg } from "node:os";

/** Percentile of an ascending-sorted sample (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const fmt = (n: number, digits = 2): string => n.toFixed(digits);

/** The 1-minute load average and core count, printed with each figure (a busy machine's are poor). */
export const machineLoad = (): string =>
  `load average ${fmt(loadavg()[0] ?? 0)} on ${availableParallelism()} cores`;

/** The CPU-per-event line of a closed-loop run, beside the app's target and the baseline. */
export const cpuLine = (
  cpu: { app: number; postgres: number; generator: number },
  appTarget: number,
  baseline?: string,
): string =>
  `  CPU per event: app ${fmt(cpu.app, 3)} ms (target ≤ ${fmt(appTarget, 1)} ms), PostgreSQL ${fmt(cpu.postgres, 3)} ms, load generator ${fmt(cpu.generator, 3)} ms${baseline ? `  (baseline ${baseline})` : ""}`;

/** The latency line of an open-loop run, beside its p99 target. */
export const openLoopLine = (
  r: { rate: number; achieved: number; p50: number; p99: number; p999: number; sendLagP99: number },
  p99Target: number,
): string =>
  `  open loop at ${fmt(r.rate, 0)}/s (${fmt(r.achieved, 0)}/s done): p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms (target ≤ ${p99Target} ms)  p99.9 ${fmt(r.p999)} ms  (sender's own lag p99 ${fmt(r.sendLagP99)} ms)`;
