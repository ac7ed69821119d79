import { notFound } from "@tally/core";
import {
  ZEventCreateSchema,
  ZEventReverseSchema,
  ZTransactionListQuerySchema,
} from "@tally/schemas";
import {
  emitEvent,
  fulfilEvent,
  getEvent,
  isUuid,
  listTransactionsOfDay,
  parseOrThrow,
  reverseEvent,
} from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../app.ts";
import { accountOf, idOf, principalOf, serverOnly } from "../middleware/auth.ts";

/** Behavior events (CLIENT keys may emit tracking types) and the account ledger. */
export function eventsRouter(deps: AppDeps): Router {
  const router = Router();
  router.post("/behavior/events", async (req, res) => {
    const input = parseOrThrow(ZEventCreateSchema, req.body);
    const { status, event } = await emitEvent(deps, principalOf(req), input);
    res.status(status).json({ data: event });
  });
  router.get("/behavior/events/:id", serverOnly, async (req, res) => {
    if (!isUuid(idOf(req))) throw notFound("event", idOf(req));
    res.json({ data: await getEvent(deps, accountOf(req), idOf(req)) });
  });
  router.patch("/behavior/events/:id/fulfill", serverOnly, async (req, res) => {
    if (!isUuid(idOf(req))) throw notFound("event", idOf(req));
    res.json({ data: await fulfilEvent(deps, accountOf(req), idOf(req)) });
  });
  router.post("/behavior/events/:id/reverse", serverOnly, async (req, res) => {
    if (!isUuid(idOf(req))) throw notFound("event", idOf(req));
    const { reason } = parseOrThrow(ZEventReverseSchema, req.body ?? {});
    res.json({
      data: await reverseEvent(deps, { accountId: accountOf(req), id: idOf(req), reason }),
    });
  });
  router.get("/transactions", serverOnly, async (req, res) => {
    const q = parseOrThrow(ZTransactionListQuerySchema, req.query, "query");
    res.json({ data: await listTransactionsOfDay(deps, accountOf(req), q) });
  });
  return router;
}
