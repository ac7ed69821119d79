import { DomainError } from "@tally/core";
import { beginIdempotent, completeIdempotent, requestHash, type ServiceDeps } from "@tally/service";
import type { RequestHandler } from "express";

/**
 * Idempotency-Key (extension) on POST/PUT/PATCH: the first answer is stored for
 * 24 h and replayed for the same request; another request with the key is a 409.
 */
export function idempotency(deps: ServiceDeps): RequestHandler {
  return async (req, res, next) => {
    const key = req.header("idempotency-key");
    if (!key || !["POST", "PUT", "PATCH"].includes(req.method) || !req.principal) return next();
    if (key.length > 255)
      throw new DomainError("VALIDATION_FAILED", "Idempotency-Key: at most 255 characters");
    const accountId = req.principal.accountId;
    const started = await beginIdempotent(
      deps,
      accountId,
      key,
      requestHash(req.principal.keyId, req.method, req.originalUrl, req.body),
    );
    if (started.kind === "replay") {
      res.setHeader("Idempotent-Replayed", "true");
      res.status(started.status).json(started.body);
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      completeIdempotent(deps, accountId, key, res.statusCode, body).then(
        () => json(body),
        (error) => next(error),
      );
      return res;
    };
    next();
  };
}
