import { DomainError } from "@tally/core";
import {
  type Answer,
  beginIdempotent,
  CLAIM_RENEW_MS,
  completeIdempotent,
  currentClaim,
  renewIdempotent,
  requestHash,
  runUnderClaim,
  type ServiceDeps,
} from "@tally/service";
import type { RequestHandler, Response } from "express";
import type { Logger } from "./errors.ts";

/**
 * Idempotency-Key (extension) on POST/PUT/PATCH: the first answer is stored for 24 h and
 * replayed for the same request; another request with the key is a 409. A write's answer is
 * stored in the same transaction as its change (the route answers through `reply`), so a crash
 * at any point leaves the key either unused or bound to the one committed result. While the
 * request runs (even after its client has gone), its claim is renewed every `renewMs`, so a
 * retry is a 409 however long the first waits, and takes over only a claim whose process died.
 * Answers that committed nothing (refusals, reads) are stored after they are sent; if that
 * fails, the answer is still sent (a retry simply runs again) and the failure logged.
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
    const started = await beginIdempotent(
      deps,
      req.principal.accountId,
      key,
      requestHash(req.principal.keyId, req.method, req.originalUrl, req.body),
    );
    if (started.kind === "replay") {
      res.setHeader("Idempotent-Replayed", "true");
      res.status(started.status).json(started.body);
      return;
    }
    const { claim } = started;
    const renewal = setInterval(() => {
      renewIdempotent(deps, claim.accountId, key).catch(() => {}); // the next renewal tries again
    }, renewMs);
    renewal.unref();
    res.on("finish", () => clearInterval(renewal));
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      clearInterval(renewal);
      if (claim.commits > 1) {
        opts.logger.error(`Idempotency-Key ${key}: one request committed ${claim.commits} writes`);
      }
      if (claim.committed) {
        // The answer was stored with the change; a different one now (an error after the commit)
        // is sent, but a retry gets the stored one.
        if (body !== claim.committed.answer.body) {
          opts.logger.error(
            `Idempotency-Key ${key}: answered ${res.statusCode} after its change committed with another answer`,
          );
        }
        return json(body);
      }
      if (claim.commits > 0) {
        opts.logger.error(`Idempotency-Key ${key}: a write committed without its answer`);
      }
      completeIdempotent(deps, claim, res.statusCode, body).then(
        () => json(body),
        (error) => {
          opts.logger.error(`Idempotency-Key ${key}: the answer could not be stored`, error);
          json(body);
        },
      );
      return res;
    };
    runUnderClaim(claim, next);
  };
}

/**
 * Answers a write's result. Under an Idempotency-Key, `answer` is handed to the write before
 * its transaction ends, which stores it with the change; the same answer is then sent.
 */
export async function reply<T>(
  res: Response,
  run: () => Promise<T>,
  answer: (result: T) => Answer,
): Promise<void> {
  const claim = currentClaim();
  if (claim) claim.answer = answer;
  const result = await run();
  const out =
    claim?.committed && claim.committed.result === result ? claim.committed.answer : answer(result);
  if (out.headers) res.set(out.headers);
  res.status(out.status).json(out.body);
}

/** The usual answers: `{data: result}` with 200, 201 or 202. */
export const ok = <T>(data: T): Answer => ({ status: 200, body: { data } });
export const created = <T>(data: T): Answer => ({ status: 201, body: { data } });
