import { cachedAccountSettings, memoryRequestCounter } from "@tally/service";
import express, { type Express } from "express";
import type { AppDeps } from "./deps.ts";
import { bearer } from "./middleware/auth.ts";
import { cors, corsForAccount } from "./middleware/cors.ts";
import { errorHandler, type Logger, notFoundHandler } from "./middleware/errors.ts";
import { idempotency } from "./middleware/idempotency.ts";
import { inputSafety } from "./middleware/input-safety.ts";
import { jsonOnly } from "./middleware/json-only.ts";
import { operations } from "./middleware/operations.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { API_PREFIX } from "./prefix.ts";
import { authorizeRouter, totpRouter } from "./routes/auth.ts";
import { catalogRouter } from "./routes/catalog.ts";
import { couponsRouter } from "./routes/coupons.ts";
import { customersRouter } from "./routes/customers.ts";
import { docsRouter } from "./routes/docs.ts";
import { eventsRouter } from "./routes/events.ts";
import { migrationsRouter } from "./routes/migrations.ts";
import { previewRouter } from "./routes/preview.ts";

export type { AppDeps };
export { API_PREFIX };

const silent: Logger = { error: (m, e) => console.error(m, e), info: () => {} };

/** Builds the storefront REST app from injected dependencies; `main.ts` only adds env and a port. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // Every answer is fresh data; hashing each body for an ETag only costs CPU.
  app.set("etag", false);
  app.set("query parser", "simple");
  const logger = deps.logger ?? silent;
  app.use(requestId);
  app.use(securityHeaders);
  // Logs, metrics, /healthz, /readyz, /metrics; then CORS, preflights answered before auth.
  app.use(operations(deps, API_PREFIX));
  const settings = cachedAccountSettings(deps.db, deps.settingsTtlMs);
  const corsOptions = { origins: deps.corsOrigins ?? [], settings };
  app.use(cors(corsOptions));

  const api = express.Router();
  api.use(authorizeRouter(deps));
  // Who is calling first: a request without a valid token is a 401 before its body is read.
  api.use(bearer(deps.jwtSecret, deps.now));
  api.use(corsForAccount(corsOptions));
  const counter = deps.requestCounter === undefined ? memoryRequestCounter() : deps.requestCounter;
  if (counter) api.use(rateLimit({ counter, settings, now: deps.now }));
  api.use(jsonOnly);
  api.use("/customers/migrate", express.json({ limit: "10mb" })); // docs/api-decisions.md#limits: migrate bodies ≤10 MB
  api.use(express.json({ limit: "1mb" }));
  api.use(inputSafety);
  api.use(idempotency(deps, { renewMs: deps.claimRenewMs, logger }));
  api.use(totpRouter(deps));
  api.use(customersRouter(deps));
  api.use(catalogRouter(deps));
  api.use(couponsRouter(deps));
  api.use(eventsRouter(deps));
  api.use(previewRouter(deps));
  api.use(migrationsRouter(deps));

  // The first health route, kept for probes configured with it: /healthz answers the same.
  app.get("/health", (_req, res) => {
    res.json({ data: "ok" });
  });
  app.use(docsRouter());
  // Masivo's docs show the token call both under the API prefix and at the host root.
  app.use(authorizeRouter(deps));
  app.use(API_PREFIX, api);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
