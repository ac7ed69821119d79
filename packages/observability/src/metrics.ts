import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db, PoolStats } from "@tally/db";
import { sql } from "kysely";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  /** Seconds from a request's arrival to its answer, by method, route pattern and status. */
  requestDuration: Histogram<"method" | "route" | "status">;
  /** Behavior events answered, by event type and outcome (`processed` or the error code). */
  eventsProcessed: Counter<"type" | "outcome">;
  /** Redemptions (an event's or a coupon's) refused, by error code. */
  redemptionsRefused: Counter<"code">;
}

/** Job statuses reported as gauges (QUEUED and RUNNING through the queue's partial index). */
const JOB_STATUSES = ["QUEUED", "RUNNING", "FAILED"] as const;

/**
 * The process's Prometheus registry: Node's defaults, the request histogram, the event and
 * redemption counters, and gauges read on each scrape — jobs by status from the jobs table
 * (one grouped count) and the pool's connections when `poolStats` is given (PostgreSQL).
 */
export function createMetrics(opts: { db?: Db; poolStats?: () => PoolStats } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: "tally_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer, by route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const eventsProcessed = new Counter({
    name: "tally_events_total",
    help: "Behavior events answered, by type and outcome (processed, or the error code)",
    labelNames: ["type", "outcome"] as const,
    registers: [registry],
  });
  const redemptionsRefused = new Counter({
    name: "tally_redemptions_refused_total",
    help: "Redemptions refused, by error code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const { db, poolStats } = opts;
  if (db) {
    new Gauge({
      name: "tally_jobs",
      help: "Migration jobs by status, read from the jobs table on scrape",
      labelNames: ["status"] as const,
      registers: [registry],
      async collect() {
        const rows = await db
          .selectFrom("migration_jobs")
          .select(["status", sql<number>`count(*)::int`.as("n")])
          .where("status", "in", [...JOB_STATUSES])
          .groupBy("status")
          .execute();
        for (const status of JOB_STATUSES)
          this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
      },
    });
  }
  if (poolStats) {
    new Gauge({
      name: "tally_db_pool_connections",
      help: "Database pool connections: total, idle, and requests waiting for one",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        const stats = poolStats();
        this.set({ state: "total" }, stats.total);
        this.set({ state: "idle" }, stats.idle);
        this.set({ state: "waiting" }, stats.waiting);
      },
    });
  }
  return { registry, requestDuration, eventsProcessed, redemptionsRefused };
}

/** What an Express request holds once routed: the matched route's pattern. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

/**
 * Times every request into the histogram, labelled by the matched route's pattern (so
 * `/customers/:id`, never a raw path: ids would make a series each) or `unmatched`.
 */
export function observeRequests(metrics: Metrics) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void) => {
    const start = process.hrtime.bigint();
    res.once("finish", () => {
      const path = req.route?.path;
      metrics.requestDuration.observe(
        {
          method: req.method ?? "",
          route: typeof path === "string" ? path : "unmatched",
          status: String(res.statusCode),
        },
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  };
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * GET /metrics in Prometheus' text format; with `token`, only for `Authorization: Bearer
 * <token>` (401 otherwise), since the figures describe the business.
 */
export function metricsHandler(metrics: Metrics, opts: { token?: string | undefined } = {}) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (opts.token !== undefined) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
      if (!sameSecret(given, opts.token)) {
        res.statusCode = 401;
        res.setHeader("Content-Type", "application/json");
        res.end(
          JSON.stringify({
            error: "UNAUTHORIZED",
            details: "header Authorization: Bearer <METRICS_TOKEN> is required",
          }),
        );
        return;
      }
    }
    try {
      const text = await metrics.registry.metrics();
      res.setHeader("Content-Type", metrics.registry.contentType);
      res.end(text);
    } catch (error) {
      // A gauge read on scrape failed (the database is unreachable): the scrape fails visibly.
      res.statusCode = 503;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ error: "UNAVAILABLE", details: (error as Error).message }));
    }
  };
}
