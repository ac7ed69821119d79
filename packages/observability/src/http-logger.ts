import type { IncomingMessage, ServerResponse } from "node:http";
import { type HttpLogger, pinoHttp } from "pino-http";
import type { Logger } from "./logger.ts";
import { requestIdOf } from "./request-id.ts";

/** Headers worth a log line; every other one (Authorization, x-api-key, cookies) is left out. */
const LOGGED_HEADERS = [
  "user-agent",
  "content-type",
  "content-length",
  "origin",
  "x-forwarded-for",
];
/** Query parameters whose values are secrets or one-time codes. */
const SECRET_PARAMS = /^(code|token|key|api_key|apikey|secret|password)$/i;

/** A request's path and query with the values of secret parameters masked. */
export function loggedUrl(url: string): string {
  const at = url.indexOf("?");
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const name of [...params.keys()])
    if (SECRET_PARAMS.test(name)) params.set(name, "[redacted]");
  return `${url.slice(0, at)}?${params.toString()}`;
}

function serializeRequest(req: IncomingMessage & { raw?: IncomingMessage }) {
  const raw = req.raw ?? req;
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS)
    if (raw.headers[name] !== undefined) headers[name] = raw.headers[name];
  return {
    method: raw.method,
    url: loggedUrl((raw as { originalUrl?: string }).originalUrl ?? raw.url ?? ""),
    headers,
  };
}

const serializeResponse = (res: ServerResponse & { raw?: ServerResponse }) => ({
  statusCode: (res.raw ?? res).statusCode,
});

/**
 * Logs one line per answered request (`request completed`: method, path, status, time) at
 * info, 5xx at error, and gives every request `req.log`, a child logger whose lines carry
 * its `reqId`. Requests to `quiet` paths (health probes, scrapes) are not logged.
 */
export function httpLogger(logger: Logger, opts: { quiet?: string[] } = {}): HttpLogger {
  const quiet = new Set(opts.quiet ?? []);
  return pinoHttp({
    logger,
    genReqId: (req, res) => requestIdOf(req, res),
    customAttributeKeys: { reqId: "reqId" },
    // req.log's every line carries reqId; the request itself only on the completion line.
    quietReqLogger: true,
    wrapSerializers: false,
    serializers: { req: serializeRequest, res: serializeResponse },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
    autoLogging: { ignore: (req) => quiet.has((req.url ?? "").split("?")[0]!) },
  });
}
