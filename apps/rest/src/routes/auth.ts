import { ZTotpCreateSchema, ZTotpVerifyQuerySchema } from "@tally/schemas";
import { createTotp, issueToken, parseOrThrow, verifyTotp } from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../deps.ts";
import { accountOf, serverOnly } from "../middleware/auth.ts";
import { created, reply } from "../middleware/idempotency.ts";

/** GET /auth/authorize: x-api-key → `{data: "<jwt>"}` (public). */
export function authorizeRouter(deps: AppDeps): Router {
  const router = Router();
  router.get("/auth/authorize", async (req, res) => {
    const token = await issueToken({
      db: deps.db,
      secret: deps.jwtSecret,
      apiKey: req.header("x-api-key"),
      now: deps.now(),
    });
    res.json({ data: token });
  });
  return router;
}

/** One-time customer codes (SERVER keys). */
export function totpRouter(deps: AppDeps): Router {
  const router = Router();
  router.post("/auth/totp", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZTotpCreateSchema, req.body);
    await reply(res, () => createTotp(deps, accountOf(req), input), created);
  });
  router.get("/auth/totp/verify", serverOnly, async (req, res) => {
    const { code } = parseOrThrow(ZTotpVerifyQuerySchema, req.query, "query");
    res.json({ data: await verifyTotp(deps, accountOf(req), code) });
  });
  return router;
}
