import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };
export type LogLevel = "silent" | "error" | "info" | "debug";

/**
 * Where secrets could sit in a logged object: credentials in headers, API keys and tokens in
 * bodies or errors. Their values are replaced, so a log line never carries one.
 */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  "req.headers['x-api-key']",
  'req.headers["x-metrics-token"]',
  'res.headers["set-cookie"]',
  "*.authorization",
  "*.apiKey",
  "*.api_key",
  "*.token",
  "*.secret",
  "*.password",
  "*.key",
  "*.serverKey",
  "*.clientKey",
  "*.jwtSecret",
];

/** The process's JSON logger: one line per entry on stdout (or `destination`), secrets redacted. */
export function createLogger(opts: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      redact: { paths: REDACT, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
}
