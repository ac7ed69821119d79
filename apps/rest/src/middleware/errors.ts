import { DomainError, type ErrorCode } from "@tally/core";
import { RateLimitedError, type RateLimitState } from "@tally/service";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { requestIdOf } from "./request-id.ts";

export interface Logger {
  error(message: string, error?: unknown): void;
  info(message: string): void;
}

/** The HTTP status of each error code (docs/api-decisions.md#wire-conventions-and-errors). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNSUPPORTED: 422,
  INSUFFICIENT_BALANCE: 422,
  REDEMPTION_FAILED: 422,
  CONDITION_NOT_MET: 422,
  COUPON_NOT_FOUND: 404,
  COUPON_EXHAUSTED: 422,
  COUPON_ALREADY_REDEEMED: 422,
  COUPON_EXPIRED: 422,
  COUPON_NOT_STARTED: 422,
  COUPON_INACTIVE: 422,
  BUDGET_EXHAUSTED: 422,
  GIFT_CARD_UNAVAILABLE: 422,
  AMOUNT_TOO_LARGE: 422,
  RECONCILIATION_MISMATCH: 422,
  LIMIT_REACHED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/**
 * Maps every failure to `{error, details}` with its status. A request's own bad values are
 * refused by validation before they reach the database, so anything else — a database error
 * included, such as stored data no write should have let in — is a 500, logged with the
 * request's id, which the answer names; it never carries internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof DomainError) res.locals.errorCode = error.code;
    if (error instanceof DomainError && HTTP_STATUS[error.code] < 500) {
      if (error instanceof RateLimitedError) {
        res.set("Retry-After", String(error.retryAfter));
        res.set(rateLimitHeaders(error.state));
      }
      res
        .status(HTTP_STATUS[error.code])
        .json({ ...error.extra, error: error.code, details: error.details });
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
    // A request Express itself found malformed (an aborted body, a path parameter it could not
    // decode) is the client's 400.
    const status = (error as { status?: unknown }).status;
    if (
      !(error instanceof DomainError) &&
      typeof status === "number" &&
      status >= 400 &&
      status < 500
    ) {
      res.status(400).json({ error: "VALIDATION_FAILED", details: "request: is malformed" });
      return;
    }
    const id = requestIdOf(req, res);
    // The request's JSON logger names its id on the line; the plain logger in the message.
    const log = (req as { log?: { error(obj: object, msg: string): void } }).log;
    if (log) log.error({ err: error }, "unhandled error");
    else logger.error(`unhandled error (request ${id})`, error);
    res.status(500).json({
      error: "INTERNAL",
      details: `internal error; it has been logged (request ${id})`,
    });
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
