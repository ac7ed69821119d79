import { ZPreviewRequestSchema } from "@tally/schemas";
import { parseOrThrow, previewRedemption } from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../deps.ts";
import { accountOf, serverOnly } from "../middleware/auth.ts";

/** PUT /events/redeem/preview (SERVER keys): the order with its redemptions applied, read-only. */
export function previewRouter(deps: AppDeps): Router {
  const router = Router();
  router.put("/events/redeem/preview", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZPreviewRequestSchema, req.body);
    res.status(200).json({ data: await previewRedemption(deps, accountOf(req), input) });
  });
  return router;
}
