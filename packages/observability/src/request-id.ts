import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** An incoming X-Request-Id kept as the request's id: 1–128 letters, digits, `.`, `_`, `:`, `-`. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id, given once: a sane incoming X-Request-Id (a proxy's or the client's) is
 * kept, anything else is replaced by a new UUID. The answer carries it back in X-Request-Id,
 * and every log line of the request names it, so a caller's report leads to the log lines.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  if (typeof req.id === "string") return req.id;
  const given = req.headers["x-request-id"];
  const id = typeof given === "string" && SANE_ID.test(given) ? given : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader("X-Request-Id", id);
  return id;
}

/** Middleware naming every request (see `requestIdOf`); run it first. */
export function requestId(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  requestIdOf(req, res);
  next();
}
