import { performance } from "node:perf_hooks";
import { percentile } from "./stats.ts";

/** An open-loop run: latencies (ms) from each call's scheduled time, and how late sends went. */
export interface OpenLoopResult {
  /** The calls per second asked for, and what completed per second of the schedule. */
  rate: number;
  achieved: number;
  calls: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** 99th percentile of how late this process sent a call after its scheduled time. */
  sendLagP99: number;
}

/**
 * Calls `call(n)` on a fixed schedule, `rate` per second for `seconds`, whether or not earlier
 * calls have answered (an open loop: a closed loop like autocannon waits for an answer before
 * sending again, so a slow server slows the arrivals and the queueing never shows). Each
 * latency counts from the call's scheduled time, so a call this process sent late because it
 * was busy counts its wait too. A failed call fails the run: a benchmark must not time errors.
 */
export async function runOpenLoop(opts: {
  rate: number;
  seconds: number;
  call: (n: number) => Promise<void>;
}): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(opts.rate * opts.seconds));
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  const pending: Promise<void>[] = [];
  let failure: unknown = null;
  const t0 = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        const scheduled = t0 + next * interval;
        lags.push(now - scheduled);
        pending.push(
          opts.call(next).then(
            () => {
              latencies.push(performance.now() - scheduled);
            },
            (error: unknown) => {
              failure ??= error;
            },
          ),
        );
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  if (failure) throw failure;
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return {
    rate: opts.rate,
    achieved: latencies.length / Math.max(elapsed, opts.seconds),
    calls: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    p999: percentile(latencies, 99.9),
    max: latencies.at(-1) ?? Number.NaN,
    sendLagP99: percentile(lags, 99),
  };
}
