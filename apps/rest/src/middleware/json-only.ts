import { DomainError } from "@tally/core";
import type { RequestHandler } from "express";

const WRITES = new Set(["POST", "PUT", "PATCH"]);

/** True when the request carries body bytes (an empty body, `Content-Length: 0`, is none). */
const sendsBody = (headers: Record<string, string | string[] | undefined>): boolean =>
  headers["transfer-encoding"] !== undefined ||
  (headers["content-length"] !== undefined && headers["content-length"] !== "0");

/**
 * A write's body is read only as JSON: one sent as anything else (or with no Content-Type) is a
 * 415 naming the header, instead of a body the JSON parser skipped and validation then called
 * missing (docs/api-decisions.md#wire-conventions-and-errors).
 */
export const jsonOnly: RequestHandler = (req, _res, next) => {
  if (!WRITES.has(req.method) || !sendsBody(req.headers) || req.is("application/json")) {
    return next();
  }
  const given = req.get("content-type");
  throw new DomainError(
    "UNSUPPORTED_MEDIA_TYPE",
    given
      ? `Content-Type: is ${JSON.stringify(given)}; a body must be sent as application/json`
      : "Content-Type: is missing; a body must be sent as application/json",
  );
};
