import {
  ZCampaignGetQuerySchema,
  ZCampaignListQuerySchema,
  ZCampaignTypeQuerySchema,
  ZCampaignWriteSchema,
  ZGiftCardPoolAddSchema,
  ZGiftCardPoolQuerySchema,
  ZRewardInsertSchema,
  ZRewardListQuerySchema,
} from "@tally/schemas";
import {
  addGiftCards,
  createCampaign,
  createReward,
  getCampaign,
  getReward,
  listCampaignsFor,
  listGiftCardPool,
  listRewards,
  listTiers,
  parseOrThrow,
  updateCampaign,
} from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../deps.ts";
import { accountOf, idOf, serverOnly } from "../middleware/auth.ts";
import { created, ok, reply } from "../middleware/idempotency.ts";

/** Tiers, rewards (and gift-card pools) and campaigns (SERVER keys). */
export function catalogRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(["/tiers", "/rewards", "/campaigns"], serverOnly);
  router.get("/tiers", async (req, res) => {
    res.json({ data: await listTiers(deps, accountOf(req)) });
  });
  router.get("/rewards", async (req, res) => {
    const q = parseOrThrow(ZRewardListQuerySchema, req.query, "query");
    res.json(await listRewards(deps, accountOf(req), q));
  });
  router.get("/rewards/:id", async (req, res) => {
    res.json({ data: await getReward(deps, accountOf(req), idOf(req)) });
  });
  router.post("/rewards", async (req, res) => {
    const input = parseOrThrow(ZRewardInsertSchema, req.body);
    await reply(res, () => createReward(deps, accountOf(req), input), created);
  });
  router.post("/rewards/:id/gift-cards", async (req, res) => {
    const input = parseOrThrow(ZGiftCardPoolAddSchema, req.body);
    await reply(res, () => addGiftCards(deps, accountOf(req), idOf(req), input), created);
  });
  router.get("/rewards/:id/gift-cards", async (req, res) => {
    const q = parseOrThrow(ZGiftCardPoolQuerySchema, req.query, "query");
    res.json({ data: await listGiftCardPool(deps, accountOf(req), idOf(req), q) });
  });
  router.get("/campaigns", async (req, res) => {
    const q = parseOrThrow(ZCampaignListQuerySchema, req.query, "query");
    res.json(await listCampaignsFor(deps, accountOf(req), q));
  });
  router.get("/campaigns/:id", async (req, res) => {
    const { include } = parseOrThrow(ZCampaignGetQuerySchema, req.query, "query");
    res.json({ data: await getCampaign(deps, accountOf(req), idOf(req), include) });
  });
  router.post("/campaigns", async (req, res) => {
    const { type } = parseOrThrow(ZCampaignTypeQuerySchema, req.query, "query");
    const input = parseOrThrow(ZCampaignWriteSchema, req.body);
    await reply(res, () => createCampaign(deps, accountOf(req), type, input), created);
  });
  router.put("/campaigns/:id", async (req, res) => {
    const { type } = parseOrThrow(ZCampaignTypeQuerySchema, req.query, "query");
    const input = parseOrThrow(ZCampaignWriteSchema, req.body);
    await reply(res, () => updateCampaign(deps, accountOf(req), idOf(req), type, input), ok);
  });
  return router;
}
