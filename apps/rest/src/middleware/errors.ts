import { DomainError, type RateLimitState } from "@tally/core";
import type { ErrorRequestHandler, RequestHandler } from "express";

export interface Logger {
  error(message: string, error?: unknown): void;
  info(message: string): void;
}

/** Maps every failure to `{error, details}` with its status; 500 never leaks internals. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (error instanceof DomainError) {
      if (error.retryAfter !== undefined) res.set("Retry-After", String(error.retryAfter));
      if (error.rateLimit) res.set(rateLimitHeaders(error.rateLimit));
      res.status(error.status).json({ ...error.extra, error: error.code, details: error.details });
      return;
    }
    const type = (error as { type?: string }).type;
    if (type === "entity.too.large") {
      res.status(413).json({
        error: "PAYLOAD_TOO_LARGE",
        details: "body: is larger than the limit for this route",
      });
      return;
    }
    if (type === "entity.parse.failed") {
      res.status(400).json({ error: "VALIDATION_FAILED", details: "body: is not valid JSON" });
      return;
    }
    if (type === "encoding.unsupported" || type === "charset.unsupported") {
      res.status(400).json({ error: "VALIDATION_FAILED", details: "body: unsupported encoding" });
      return;
    }
    // Backstops: a value PostgreSQL refuses as data (class 22: out of range, bad
    // encoding, …) or a request Express itself found malformed is the client's 400.
    const pgCode = (error as { code?: unknown }).code;
    const status = (error as { status?: unknown }).status;
    if (
      (typeof pgCode === "string" && pgCode.startsWith("22")) ||
      (typeof status === "number" && status >= 400 && status < 500)
    ) {
      res.status(400).json({
        error: "VALIDATION_FAILED",
        details: "request: a value is malformed or out of range",
      });
      return;
    }
    logger.error("unhandled error", error);
    res.status(500).json({ error: "INTERNAL", details: "internal error; it has been logged" });
  };
}

/** Unknown routes answer the same envelope. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: "NOT_FOUND", details: `no route ${req.method} ${req.path}` });
};

/** X-RateLimit-* headers of a caller's standing against a limit (on 202 and on 429). */
export const rateLimitHeaders = (rate: RateLimitState): Record<string, string> => ({
  "X-RateLimit-Limit": String(rate.limit),
  "X-RateLimit-Remaining": String(rate.remaining),
  "X-RateLimit-Reset": String(rate.reset),
});
