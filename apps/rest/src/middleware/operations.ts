import {
  healthzHandler,
  httpLogger,
  type Logger,
  type Metrics,
  metricsHandler,
  observeRequests,
  readyzHandler,
} from "@tally/observability";
import { type Request, type RequestHandler, type Response, Router } from "express";
import type { AppDeps } from "../deps.ts";

/** The error code an answer carried (set by the error middleware), or none for a success. */
export const errorCodeOf = (res: Response): string | undefined => res.locals.errorCode;

/** Whether a request redeems: a coupon, or an event with a top-level or product `redeem`. */
function redeems(req: Request): boolean {
  if (req.route?.path === "/coupons/redeem") return true;
  const body = req.body as { redeem?: unknown; order?: { products?: { redeem?: unknown }[] } };
  if (Array.isArray(body?.redeem) && body.redeem.length > 0) return true;
  const products = body?.order?.products;
  return Array.isArray(products) && products.some((p) => Array.isArray(p?.redeem));
}

/** Counts behavior events by type and outcome, and refused redemptions by code. */
function countOutcomes(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    res.once("finish", () => {
      const route = req.route?.path;
      if (req.method !== "POST" || (route !== "/behavior/events" && route !== "/coupons/redeem"))
        return;
      const code = res.statusCode < 400 ? undefined : (errorCodeOf(res) ?? String(res.statusCode));
      if (route === "/behavior/events") {
        const type = (req.body as { type?: unknown })?.type;
        metrics.eventsProcessed.inc({
          type: typeof type === "string" && /^[A-Z_]{1,40}$/.test(type) ? type : "invalid",
          outcome: code ?? "processed",
        });
      }
      if (code && res.statusCode !== 400 && redeems(req)) metrics.redemptionsRefused.inc({ code });
    });
    next();
  };
}

/** Where the operations middleware gets its parts: the app's deps, with the ones it needs set. */
export interface Operations {
  log?: Logger | undefined;
  metrics?: Metrics | undefined;
  metricsToken?: string | undefined;
  draining?: (() => boolean) | undefined;
}

const QUIET = ["/healthz", "/readyz", "/health", "/metrics"];

/**
 * What runs before routing: a JSON log line per request (when a logger is given), the request
 * histogram and outcome counters (when metrics are), and the unauthenticated operations routes:
 * /healthz, /readyz (both also under `prefix`), /metrics (docs/operations.md).
 */
export function operations(deps: AppDeps, prefix: string): Router {
  const router = Router();
  // At LOG_LEVEL=silent no line can be written: the per-request logger would only cost CPU
  // (a child logger and two listeners per request); errors still go to `deps.logger`.
  if (deps.log && deps.log.level !== "silent")
    router.use(httpLogger(deps.log, { quiet: [...QUIET, ...QUIET.map((p) => prefix + p)] }));
  if (deps.metrics) {
    router.use(observeRequests(deps.metrics));
    router.use(countOutcomes(deps.metrics));
  }
  const readyz = readyzHandler(deps.db, { draining: deps.draining });
  for (const base of ["", prefix]) {
    router.get(`${base}/healthz`, healthzHandler);
    router.get(`${base}/readyz`, readyz);
  }
  if (deps.metrics)
    router.get("/metrics", metricsHandler(deps.metrics, { token: deps.metricsToken }));
  return router;
}
