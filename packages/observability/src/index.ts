export { type TObservabilityEnv, ZObservabilityEnvSchema } from "./env.ts";
export { checkReadiness, healthzHandler, type Readiness, readyzHandler } from "./health.ts";
export { httpLogger, loggedUrl } from "./http-logger.ts";
export { createLogger, type Logger, type LogLevel } from "./logger.ts";
export { createMetrics, type Metrics, metricsHandler, observeRequests } from "./metrics.ts";
export { requestId, requestIdOf } from "./request-id.ts";
export { handleShutdown, type ShutdownOptions } from "./shutdown.ts";
