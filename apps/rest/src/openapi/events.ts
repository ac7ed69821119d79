import {
  ZCouponRedeemResultSchema,
  ZCouponRedeemSchema,
  ZCouponReverseResultSchema,
  ZCouponReverseSchema,
  ZEventCreateSchema,
  ZEventReverseSchema,
  ZEventSchema,
  ZPreviewRequestSchema,
  ZPreviewResponseSchema,
  ZTransactionListQuerySchema,
  ZTransactionSchema,
} from "@tally/schemas";
import { z } from "zod";
import { BRAND_ID, CUSTOMER_ID, EVENT_ID, preview, purchaseEvent } from "./examples.ts";
import { idParam, type RouteDoc } from "./operation.ts";

const eventId = idParam("The event's id.", EVENT_ID);

/** Behavior events, redemption preview, coupons and the account's ledger. */
export const eventRoutes: Record<string, RouteDoc> = {
  "POST /behavior/events": {
    method: "post",
    access: "any",
    summary: "Emit an event",
    description:
      "Earns from matching campaigns and spends the `redeem` arrays, in one transaction. CLIENT keys may emit tracking types only. A purchase whose `purchase_id` was seen answers the stored event with 200.",
    body: { schema: ZEventCreateSchema, example: purchaseEvent },
    answers: {
      200: { description: "A replayed purchase: the stored event.", data: ZEventSchema },
      201: { description: "The event and what it did.", data: ZEventSchema },
    },
    errors: [403, 404, 422],
  },
  "GET /behavior/events/{id}": {
    method: "get",
    access: "server",
    summary: "Read an event",
    path: eventId,
    answers: { 200: { description: "The event.", data: ZEventSchema } },
    errors: [404],
  },
  "PATCH /behavior/events/{id}/fulfill": {
    method: "patch",
    access: "server",
    summary: "Fulfil a held (unfulfilled) event",
    path: eventId,
    answers: { 200: { description: "The event after.", data: ZEventSchema } },
    errors: [404, 422],
  },
  "POST /behavior/events/{id}/reverse": {
    method: "post",
    access: "server",
    summary: "Reverse an event",
    description: "Undoes what the event earned and spent; the body is optional.",
    path: eventId,
    body: {
      schema: ZEventReverseSchema,
      example: { reason: "Order returned" },
      required: false,
    },
    answers: { 200: { description: "The event after.", data: ZEventSchema } },
    errors: [404, 422],
  },
  "PUT /events/redeem/preview": {
    method: "put",
    access: "server",
    summary: "Preview redemptions on an order",
    description:
      "The order with `redemptions_result` wherever a `redeem` array was; writes nothing.",
    body: { schema: ZPreviewRequestSchema, example: preview },
    answers: { 200: { description: "The order as it would be.", data: ZPreviewResponseSchema } },
    errors: [404, 422],
  },
  "POST /coupons/redeem": {
    method: "post",
    access: "server",
    summary: "Redeem a coupon code",
    body: {
      schema: ZCouponRedeemSchema,
      example: {
        customer_id: CUSTOMER_ID,
        code: "WELCOME-10",
        brand_id: BRAND_ID,
        platform: "web",
        store_id: "store-12",
        channel_id: "web",
      },
    },
    answers: { 200: { description: "What the code credited.", data: ZCouponRedeemResultSchema } },
    errors: [404, 422],
  },
  "POST /coupons/reverse": {
    method: "post",
    access: "server",
    summary: "Reverse a customer's redemption of a code",
    body: {
      schema: ZCouponReverseSchema,
      example: { customer_id: CUSTOMER_ID, code: "WELCOME-10" },
    },
    answers: { 200: { description: "The wallet after.", data: ZCouponReverseResultSchema } },
    errors: [404, 422],
  },
  "GET /transactions": {
    method: "get",
    access: "server",
    summary: "The account's ledger of one day",
    description: "By id after `cursor`, at most `limit` rows.",
    query: ZTransactionListQuerySchema,
    answers: { 200: { description: "Ledger rows.", data: z.array(ZTransactionSchema) } },
  },
};
