import type { AccountSettingsCache } from "@tally/service";
import type { RequestHandler, Response } from "express";
import { principalOf } from "./auth.ts";

const ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE";
const ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Api-Key, X-Request-Id";
const EXPOSE_HEADERS =
  "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Idempotent-Replayed";

/** `*` when a wildcard allowed the origin, else the origin itself; never with credentials. */
const allowedAs = (origin: string, list: ReadonlySet<string> | readonly string[]) => {
  const has = (o: string) => (list instanceof Set ? list.has(o) : (list as string[]).includes(o));
  return has(origin) ? origin : has("*") ? "*" : null;
};

function allow(res: Response, as: string) {
  res.set("Access-Control-Allow-Origin", as);
  res.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
}

/**
 * CORS before authentication (docs/api-decisions.md#cors): a preflight carries no key, so it
 * is answered for an origin CORS_ORIGINS or any account allows (204), else 403. Before the
 * key is known (the token call, a 401) the same origins get the headers; `corsForAccount`
 * narrows them once it is. Access-Control-Allow-Credentials is never sent: the API takes
 * bearer tokens, not cookies.
 */
export function cors(opts: { origins: string[]; settings: AccountSettingsCache }): RequestHandler {
  return async (req, res, next) => {
    const origin = req.get("origin");
    if (origin === undefined) return next();
    res.vary("Origin");
    const as =
      allowedAs(origin, opts.origins) ?? allowedAs(origin, await opts.settings.anyOrigins());
    const preflight = req.method === "OPTIONS" && req.get("access-control-request-method");
    if (!preflight) {
      if (as) allow(res, as);
      return next();
    }
    if (!as) {
      res.status(403).json({
        error: "FORBIDDEN",
        details: `origin ${origin} is not allowed (CORS_ORIGINS, or an account's cors_origins)`,
      });
      return;
    }
    allow(res, as);
    res.set({
      "Access-Control-Allow-Methods": ALLOW_METHODS,
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": "600",
    });
    res.status(204).end();
  };
}

/**
 * CORS once the key is known: an origin of CORS_ORIGINS keeps its headers; otherwise only a
 * CLIENT key's request from an origin its account allows does (a SERVER key belongs on a
 * server, never in a browser), and any other loses them, so the browser withholds the answer.
 */
export function corsForAccount(opts: {
  origins: string[];
  settings: AccountSettingsCache;
}): RequestHandler {
  return async (req, res, next) => {
    const origin = req.get("origin");
    if (origin === undefined || allowedAs(origin, opts.origins)) return next();
    const { accountId, kind } = principalOf(req);
    const as =
      kind === "CLIENT"
        ? allowedAs(origin, (await opts.settings.get(accountId)).cors_origins)
        : null;
    if (as) allow(res, as);
    else {
      res.removeHeader("Access-Control-Allow-Origin");
      res.removeHeader("Access-Control-Expose-Headers");
    }
    next();
  };
}
