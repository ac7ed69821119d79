import {
  ZCampaignGetQuerySchema,
  ZCampaignListQuerySchema,
  ZCampaignPageSchema,
  ZCampaignSchema,
  ZCampaignTypeQuerySchema,
  ZCampaignWriteSchema,
  ZGiftCardPoolAddSchema,
  ZGiftCardPoolQuerySchema,
  ZGiftCardPoolSchema,
  ZRewardInsertSchema,
  ZRewardListQuerySchema,
  ZRewardPageSchema,
  ZRewardSchema,
  ZTierSchema,
} from "@tally/schemas";
import { z } from "zod";
import { behaviorCampaign, CAMPAIGN_ID, pointsReward, REWARD_ID } from "./examples.ts";
import { idParam, type RouteDoc } from "./operation.ts";

const rewardId = idParam("The reward's id.", REWARD_ID);
const campaignId = idParam("The campaign's id.", CAMPAIGN_ID);

/** Tiers, rewards (and gift-card pools) and campaigns. */
export const catalogRoutes: Record<string, RouteDoc> = {
  "GET /tiers": {
    method: "get",
    access: "server",
    summary: "List the account's tiers",
    answers: { 200: { description: "Every tier, by level.", data: z.array(ZTierSchema) } },
  },
  "GET /rewards": {
    method: "get",
    access: "server",
    summary: "List rewards",
    description: "0-based inclusive `from`/`to` indexes, at most 1000 a page, oldest first.",
    query: ZRewardListQuerySchema,
    answers: { 200: { description: "A page of rewards.", whole: ZRewardPageSchema } },
  },
  "POST /rewards": {
    method: "post",
    access: "server",
    summary: "Create a reward",
    description:
      "POINTS need `attributes.conversion_factor` (above 0: the money value of one point); DISCOUNT, PRODUCT and GIFT_CARD have attributes of their own.",
    body: { schema: ZRewardInsertSchema, example: pointsReward },
    answers: { 201: { description: "The reward.", data: ZRewardSchema } },
    errors: [404],
  },
  "GET /rewards/{id}": {
    method: "get",
    access: "server",
    summary: "Read a reward",
    path: rewardId,
    answers: { 200: { description: "The reward.", data: ZRewardSchema } },
    errors: [404],
  },
  "POST /rewards/{id}/gift-cards": {
    method: "post",
    access: "server",
    summary: "Add codes to a GIFT_CARD reward's pool (extension)",
    path: rewardId,
    body: {
      schema: ZGiftCardPoolAddSchema,
      example: {
        codes: [
          { code: "GC-7F3K-22QX", value: 25, expiration_date: "2026-12-31" },
          { code: "GC-9PLM-41RT", value: 25, description: "Holiday batch" },
        ],
      },
    },
    answers: { 201: { description: "The pool after the upload.", data: ZGiftCardPoolSchema } },
    errors: [404, 422],
  },
  "GET /rewards/{id}/gift-cards": {
    method: "get",
    access: "server",
    summary: "Read a GIFT_CARD reward's pool (extension)",
    path: rewardId,
    query: ZGiftCardPoolQuerySchema,
    answers: { 200: { description: "The pool's counts and codes.", data: ZGiftCardPoolSchema } },
    errors: [404, 422],
  },
  "GET /campaigns": {
    method: "get",
    access: "server",
    summary: "List campaigns",
    description:
      "`customer_id` keeps the campaigns that customer can take part in; `include=CODES_SUMMARY` adds `attributes.codes_summary` to COUPONS campaigns.",
    query: ZCampaignListQuerySchema,
    answers: { 200: { description: "A page of campaigns.", whole: ZCampaignPageSchema } },
    errors: [404],
  },
  "POST /campaigns": {
    method: "post",
    access: "server",
    summary: "Create a campaign",
    description: "The type comes from `?type=` or the body's `type`.",
    query: ZCampaignTypeQuerySchema,
    body: { schema: ZCampaignWriteSchema, example: { type: "BEHAVIOR", ...behaviorCampaign } },
    answers: { 201: { description: "The campaign.", data: ZCampaignSchema } },
    errors: [404],
  },
  "GET /campaigns/{id}": {
    method: "get",
    access: "server",
    summary: "Read a campaign",
    path: campaignId,
    query: ZCampaignGetQuerySchema,
    answers: { 200: { description: "The campaign.", data: ZCampaignSchema } },
    errors: [404],
  },
  "PUT /campaigns/{id}": {
    method: "put",
    access: "server",
    summary: "Replace a campaign",
    description: "Once started, its start, rules, trigger and brand are frozen (409).",
    path: campaignId,
    query: ZCampaignTypeQuerySchema,
    body: {
      schema: ZCampaignWriteSchema,
      example: { type: "BEHAVIOR", ...behaviorCampaign, status: "INACTIVE" },
    },
    answers: { 200: { description: "The campaign after.", data: ZCampaignSchema } },
    errors: [404],
  },
};
