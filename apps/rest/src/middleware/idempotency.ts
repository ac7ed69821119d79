import { DomainError } from "@tally/core";
import {
  beginIdempotent,
  CLAIM_RENEW_MS,
  completeIdempotent,
  renewIdempotent,
  requestHash,
  type ServiceDeps,
} from "@tally/service";
import type { RequestHandler } from "express";
import type { Logger } from "./errors.ts";

/**
 * Idempotency-Key (extension) on POST/PUT/PATCH: the first answer is stored for
 * 24 h and replayed for the same request; another request with the key is a 409. While the
 * request runs (even after its client has gone), its claim is renewed every `renewMs`, so a
 * retry is a 409 however long the first waits, and takes over only a claim whose process died.
 * If the answer cannot be stored, the request's own answer is still sent (it ran: an error
 * would invite a retry) and the failure logged.
 */
export function idempotency(
  deps: ServiceDeps,
  opts: { renewMs?: number | undefined; logger: Logger },
): RequestHandler {
  const renewMs = opts.renewMs ?? CLAIM_RENEW_MS;
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
    const renewal = setInterval(() => {
      renewIdempotent(deps, accountId, key).catch(() => {}); // the next renewal tries again
    }, renewMs);
    renewal.unref();
    res.on("finish", () => clearInterval(renewal));
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      clearInterval(renewal);
      completeIdempotent(deps, accountId, key, res.statusCode, body).then(
        () => json(body),
        (error) => {
          opts.logger.error(`Idempotency-Key ${key}: the answer could not be stored`, error);
          json(body);
        },
      );
      return res;
    };
    next();
  };
}
