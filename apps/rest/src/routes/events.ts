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
import type { AppDeps } from "../deps.ts";
import { accountOf, idOf, principalOf, serverOnly } from "../middleware/auth.ts";
import { ok, reply } from "../middleware/idempotency.ts";

/** Behavior events (CLIENT keys may emit tracking types) and the account ledger. */
export function eventsRouter(deps: AppDeps): Router {
  const router = Router();
  router.post("/behavior/events", async (req, res) => {
    const input = parseOrThrow(ZEventCreateSchema, req.body);
    const principal = principalOf(req);
    await reply(
      res,
      () => emitEvent(deps, principal, input),
      ({ status, event }) => {
        // A CLIENT key sees the customer in the result as GET /customers/{id} shows it to it.
        const customer = event.result?.customer;
        const shown =
          principal.kind === "CLIENT" && event.result && customer
            ? { ...event, result: { ...event.result, customer: toClientCustomerView(customer) } }
            : event;
        return { status, body: { data: shown } };
      },
    );
  });
  router.get("/behavior/events/:id", serverOnly, async (req, res) => {
    if (!isUuid(idOf(req))) throw notFound("event", idOf(req));
    res.json({ data: await getEvent(deps, accountOf(req), idOf(req)) });
  });
  router.patch("/behavior/events/:id/fulfill", serverOnly, async (req, res) => {
    if (!isUuid(idOf(req))) throw notFound("event", idOf(req));
    await reply(res, () => fulfilEvent(deps, accountOf(req), idOf(req)), ok);
  });
  router.post("/behavior/events/:id/reverse", serverOnly, async (req, res) => {
    if (!isUuid(idOf(req))) throw notFound("event", idOf(req));
    const { reason } = parseOrThrow(ZEventReverseSchema, req.body ?? {});
    await reply(
      res,
      () => reverseEvent(deps, { accountId: accountOf(req), id: idOf(req), reason }),
      ok,
    );
  });
  router.get("/transactions", serverOnly, async (req, res) => {
    const q = parseOrThrow(ZTransactionListQuerySchema, req.query, "query");
    res.json({ data: await listTransactionsOfDay(deps, accountOf(req), q) });
  });
  return router;
}
