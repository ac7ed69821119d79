import { randomInt } from "node:crypto";
import type { Db } from "@tally/db";
import {
  claimWebhookDeliveries,
  recordWebhookAttempt,
  recordWebhookSuccesses,
} from "@tally/service";
import { DELIVERY_TIMEOUT_MS, sendWebhook } from "./send-webhook.ts";

/** How often the webhook loop looks for due deliveries when it found none (WEBHOOKS_POLL_MS). */
export const DEFAULT_WEBHOOKS_POLL_MS = 200;
/** Deliveries claimed (and sent at once) per round. */
const BATCH = 32;

export interface WebhookWorkerOptions {
  db: Db;
  now: () => Date;
  /** http:// and private addresses allowed (WEBHOOKS_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  timeoutMs?: number;
  /** How long a claim holds (default: the timeout and 20 s): a dead worker's claims lapse then. */
  leaseMs?: number;
  batchSize?: number;
  onError?: (message: string, error: unknown) => void;
}

/**
 * One round: claims due deliveries, sends them side by side (each customer has at most one in a
 * round: see claimWebhookDeliveries), records each outcome; answers how many it sent. A claim
 * outlives the longest attempt, so no other worker sends the same delivery meanwhile.
 */
export async function deliverWebhooks(opts: WebhookWorkerOptions): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const claimed = await claimWebhookDeliveries(opts.db, {
    now: opts.now(),
    limit: opts.batchSize ?? BATCH,
    leaseMs: opts.leaseMs ?? timeoutMs + 20_000,
  });
  const outcomes = await Promise.all(
    claimed.map(async (claim) => ({
      claim,
      outcome: await sendWebhook(claim, {
        allowPrivate: opts.allowPrivate,
        now: opts.now(),
        timeoutMs,
      }),
    })),
  );
  const ok = (code: number | null) => code !== null && code >= 200 && code < 300;
  await recordWebhookSuccesses(
    opts.db,
    outcomes.filter((o) => ok(o.outcome.statusCode)),
    { now: opts.now() },
  );
  for (const { claim, outcome } of outcomes.filter((o) => !ok(o.outcome.statusCode)))
    await recordWebhookAttempt(opts.db, claim, outcome, {
      now: opts.now(),
      random: randomInt(1_000_000) / 1_000_000,
    });
  return claimed.length;
}

/** Sends every due delivery until none is left (tests, one-shot runs); answers how many. */
export async function drainWebhooks(opts: WebhookWorkerOptions): Promise<number> {
  let sent = 0;
  for (let n = await deliverWebhooks(opts); n > 0; n = await deliverWebhooks(opts)) sent += n;
  return sent;
}

/**
 * The webhook loop: delivers until `signal` aborts, looking again every `pollMs` while nothing
 * is due. Any number of loops, in any number of processes, may share one database.
 */
export async function runWebhookWorker(
  opts: WebhookWorkerOptions & { signal: AbortSignal; pollMs?: number },
): Promise<void> {
  const pollMs = opts.pollMs ?? DEFAULT_WEBHOOKS_POLL_MS;
  const onError = opts.onError ?? ((m, e) => console.error(m, e));
  while (!opts.signal.aborted) {
    let sent = 0;
    try {
      sent = await deliverWebhooks(opts);
    } catch (error) {
      // The database went away: claims lapse and are taken again later.
      onError("webhook worker: a round failed", error);
    }
    if (sent === 0) await pause(pollMs, opts.signal);
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
