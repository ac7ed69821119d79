import {
  ZConsentUpdateSchema,
  ZCustomerCreateSchema,
  ZCustomerTransactionsQuerySchema,
  ZCustomerUpdateSchema,
  ZDeviceRegisterSchema,
  ZIdentifyAnonymousSchema,
  ZReferralCodeRequestSchema,
} from "@tally/schemas";
import {
  createCustomer,
  customerWithWallet,
  deleteDevices,
  findCustomer,
  identifyAnonymous,
  listCustomerGiftCards,
  listCustomerTransactions,
  listPunchCards,
  parseOrThrow,
  registerDevice,
  requestReferralCode,
  toClientCustomerView,
  updateConsent,
  updateCustomer,
} from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../deps.ts";
import { accountOf, idOf, principalOf, serverOnly } from "../middleware/auth.ts";
import { created, ok, reply } from "../middleware/idempotency.ts";

/** /customers: register, read (CLIENT keys too), update, consent, identify, devices, ledger, gift cards, punch cards, referral codes. */
export function customersRouter(deps: AppDeps): Router {
  const router = Router();
  router.post("/customers", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZCustomerCreateSchema, req.body);
    await reply(res, () => createCustomer(deps, accountOf(req), input), created);
  });
  router.get("/customers/:id", async (req, res) => {
    const accountId = accountOf(req);
    const row = await findCustomer(deps.db, accountId, idOf(req));
    const view = await customerWithWallet(deps.db, accountId, row, deps.now());
    const client = principalOf(req).kind === "CLIENT";
    res.json({ data: client ? { ...view, customer: toClientCustomerView(view.customer) } : view });
  });
  router.patch("/customers/:id", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZCustomerUpdateSchema, req.body);
    await reply(res, () => updateCustomer(deps, accountOf(req), idOf(req), input), ok);
  });
  router.patch("/customers/:id/consent", serverOnly, async (req, res) => {
    const { consent } = parseOrThrow(ZConsentUpdateSchema, req.body);
    await reply(res, () => updateConsent(deps, accountOf(req), idOf(req), consent), ok);
  });
  router.patch("/customers/:id/identify/anonymous", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZIdentifyAnonymousSchema, req.body);
    await reply(res, () => identifyAnonymous(deps, accountOf(req), idOf(req), input), ok);
  });
  router.patch("/customers/:id/devices", serverOnly, async (req, res) => {
    const device = parseOrThrow(ZDeviceRegisterSchema, req.body);
    await reply(res, () => registerDevice(deps, accountOf(req), idOf(req), device), ok);
  });
  router.delete("/customers/:id/devices", serverOnly, async (req, res) => {
    res.json({ data: await deleteDevices(deps, accountOf(req), idOf(req)) });
  });
  router.get("/customers/:id/transactions", serverOnly, async (req, res) => {
    const q = parseOrThrow(ZCustomerTransactionsQuerySchema, req.query, "query");
    res.json({ data: await listCustomerTransactions(deps, accountOf(req), idOf(req), q) });
  });
  router.get("/customers/:id/rewards/gift-cards", serverOnly, async (req, res) => {
    res.json({ data: await listCustomerGiftCards(deps, accountOf(req), idOf(req)) });
  });
  router.get("/customers/:id/punch-cards", serverOnly, async (req, res) => {
    res.json({ data: await listPunchCards(deps, accountOf(req), idOf(req)) });
  });
  router.post("/customers/:id/referrals/request-code", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZReferralCodeRequestSchema, req.body);
    await reply(
      res,
      () => requestReferralCode(deps, accountOf(req), idOf(req), input),
      ({ status, code }) => ({ status, body: { data: code } }),
    );
  });
  return router;
}
