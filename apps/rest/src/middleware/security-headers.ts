import type { RequestHandler } from "express";

/**
 * Set on every answer before anything else runs, so errors and 404s carry them too: no
 * browser guesses a JSON answer's type, and no cache (browser, proxy) keeps an answer — they
 * carry balances, customers and tokens, and each is fresh.
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" });
  next();
};
