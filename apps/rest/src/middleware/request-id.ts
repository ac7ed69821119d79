import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";

declare global {
  namespace Express {
    interface Request {
      /** The request's id: its sane X-Request-Id, else a new UUID. */
      id?: string;
    }
  }
}

/** An incoming X-Request-Id kept as the request's id: 1–128 letters, digits, `.`, `_`, `:`, `-`. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Names every request: a sane incoming X-Request-Id (a proxy's or the client's) is kept, anything
 * else is replaced by a new UUID. The answer carries it back in X-Request-Id, and an error logged
 * for the request names it, so a caller's report leads to the log line.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get("x-request-id");
  req.id = given !== undefined && SANE_ID.test(given) ? given : randomUUID();
  res.set("X-Request-Id", req.id);
  next();
};

/** The request's id; one is made (and answered) if the middleware did not run. */
export function requestIdOf(req: Request, res: Response): string {
  if (req.id === undefined) {
    req.id = randomUUID();
    res.set("X-Request-Id", req.id);
  }
  return req.id;
}
