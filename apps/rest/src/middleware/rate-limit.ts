import { type AccountSettingsCache, checkRequestRate, type RequestCounter } from "@tally/service";
import type { RequestHandler } from "express";
import { principalOf } from "./auth.ts";
import { rateLimitHeaders } from "./errors.ts";

/**
 * Counts every authenticated request against its API key's limit per minute (the account's
 * setting for the key's kind; none when unlimited). Within the limit the answer carries
 * X-RateLimit-*; over it, 429 RATE_LIMITED with them and Retry-After
 * (docs/api-decisions.md#rate-limits).
 */
export function rateLimit(opts: {
  counter: RequestCounter;
  settings: AccountSettingsCache;
  now: () => Date;
}): RequestHandler {
  return async (req, res, next) => {
    const { accountId, keyId, kind } = principalOf(req);
    const settings = await opts.settings.get(accountId);
    const limit =
      kind === "CLIENT"
        ? settings.rate_limit_client_per_minute
        : settings.rate_limit_server_per_minute;
    if (limit === null) return next();
    const state = await checkRequestRate(opts.counter, { keyId, limit, now: opts.now() });
    res.set(rateLimitHeaders(state));
    next();
  };
}
