import { DomainError } from "@tally/core";
import { type Principal, verifyToken } from "@tally/service";
import type { Request, RequestHandler } from "express";

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

/** Requires a valid bearer token and puts its principal on the request. */
export function bearer(secret: Uint8Array, now: () => Date): RequestHandler {
  return async (req, _res, next) => {
    req.principal = await verifyToken({
      secret,
      authorization: req.headers.authorization,
      now: now(),
    });
    next();
  };
}

/** The principal of an authenticated request. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new DomainError("UNAUTHORIZED", "authentication required");
  return req.principal;
}

/** The account of an authenticated request. */
export const accountOf = (req: Request): string => principalOf(req).accountId;

/** Routes that change the account's setup or ledger need a SERVER key. */
export const serverOnly: RequestHandler = (req, _res, next) => {
  if (principalOf(req).kind !== "SERVER") {
    throw new DomainError(
      "FORBIDDEN",
      `${req.method} ${req.originalUrl.split("?")[0]} needs a SERVER key`,
    );
  }
  next();
};

/** The `:id` path parameter. */
export const idOf = (req: Request): string => String(req.params.id);
