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
  toClientCustomerView,
} from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../app.ts";
import { accountOf, idOf, principalOf, serverOnly } from "../middleware/auth.ts";

/** Behavior events (CLIENT keys may emit tracking types) and the account ledger. */
export function eventsRouter(deps: AppDeps): Router {
  const router = Router();
  router.post("/behavior/events", async (req, res) => {
    const input = parseOrThrow(ZEventCreateSchema, req.body);
    const principal = principalOf(req);
    const { status, event } = await emitEvent(deps, principal, input);
    // A CLIENT key sees the customer in the result as GET /customers/{id} shows it to it.
    const customer = event.result?.customer;
    const shown =
      principal.kind === "CLIENT" && event.result && customer
        ? { ...event, result: { ...event.result, customer: toClientCustomerView(customer) } }
        : event;
    res.status(status).json({ data: shown });
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
