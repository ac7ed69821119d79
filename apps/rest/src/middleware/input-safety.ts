import { DomainError } from "@tally/core";
import { badString, findUnsafe } from "@tally/schemas";
import type { RequestHandler } from "express";

/**
 * Refuses (400) bodies, query strings and paths that no column could store: NUL
 * characters, lone surrogates, absurd nesting. One check here instead of one in
 * every schema, so nothing of the kind ever reaches PostgreSQL as a 500.
 */
export const inputSafety: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    throw new DomainError("VALIDATION_FAILED", "path: is not valid percent-encoding");
  }
  const problem =
    (badString(path) && `path: ${badString(path)}`) ||
    findUnsafe(req.query, "query") ||
    findUnsafe(req.body, "");
  if (problem) throw new DomainError("VALIDATION_FAILED", problem);
  next();
};
