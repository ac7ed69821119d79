import {
  ZConsentAnswerSchema,
  ZConsentUpdateSchema,
  ZCustomerCreateSchema,
  ZCustomerTransactionsQuerySchema,
  ZCustomerUpdateSchema,
  ZCustomerWithWalletSchema,
  ZDeviceRegisterSchema,
  ZGiftCardSchema,
  ZIdentifyAnonymousSchema,
  ZPunchCardSchema,
  ZReferralCodeRequestSchema,
  ZReferralCodeSchema,
  ZTransactionSchema,
} from "@tally/schemas";
import { z } from "zod";
import { BRAND_ID, CAMPAIGN_ID, CUSTOMER_ID, customer } from "./examples.ts";
import { idParam, type RouteDoc } from "./operation.ts";

const customerId = idParam("The customer's id (the storefront's own).", CUSTOMER_ID);
const withWallet = (description: string) => ({ description, data: ZCustomerWithWalletSchema });

/** /customers: register, read, update, consent, identify, devices, ledger and programs. */
export const customerRoutes: Record<string, RouteDoc> = {
  "POST /customers": {
    method: "post",
    access: "server",
    summary: "Register a customer",
    description:
      "Emits a REGISTRATION event (welcome rewards); a `referral_code` links a referrer.",
    body: { schema: ZCustomerCreateSchema, example: customer },
    answers: { 201: withWallet("The customer and wallet.") },
    errors: [404],
  },
  "GET /customers/{id}": {
    method: "get",
    access: "any",
    summary: "Read a customer and wallet",
    description:
      "CLIENT keys get the storefront view: personal fields null, tags, metrics and metadata empty, devices none; the wallet whole.",
    path: customerId,
    answers: { 200: withWallet("The customer and wallet.") },
    errors: [404],
  },
  "PATCH /customers/{id}": {
    method: "patch",
    access: "server",
    summary: "Update a customer's profile",
    path: customerId,
    body: {
      schema: ZCustomerUpdateSchema,
      example: { name: "Ada King", tags: { segment: "vip", newsletter: true } },
    },
    answers: { 200: withWallet("The customer after.") },
    errors: [404],
  },
  "PATCH /customers/{id}/consent": {
    method: "patch",
    access: "server",
    summary: "Replace a customer's consent",
    path: customerId,
    body: {
      schema: ZConsentUpdateSchema,
      example: {
        consent: {
          version: "2.0",
          consent_timestamp: "2025-02-01T09:30:00Z",
          purposes: { behavioral_campaigns: true, coupon_campaigns: false },
          vendors: { vendor_123: true },
        },
      },
    },
    answers: { 200: { description: "The consent as stored.", data: ZConsentAnswerSchema } },
    errors: [404],
  },
  "PATCH /customers/{id}/identify/anonymous": {
    method: "patch",
    access: "server",
    summary: "Identify an anonymous customer",
    description: "Fills the profile and may give the customer its permanent id (`new_id`).",
    path: idParam("The anonymous customer's id.", "anon-7d1f"),
    body: {
      schema: ZIdentifyAnonymousSchema,
      example: { new_id: CUSTOMER_ID, name: "Ada Lovelace", email: "ada@example.com" },
    },
    answers: { 200: withWallet("The customer after.") },
    errors: [404],
  },
  "PATCH /customers/{id}/devices": {
    method: "patch",
    access: "server",
    summary: "Register a push token",
    description: "Needs the account's marketing automation (a device token life).",
    path: customerId,
    body: {
      schema: ZDeviceRegisterSchema,
      example: {
        device_token: "fcm:dQw4w9WgXcQ:APA91bH",
        device_info: { platform: "android", model: "Pixel 8", osVersion: "14" },
      },
    },
    answers: { 200: withWallet("The customer after.") },
    errors: [404],
  },
  "DELETE /customers/{id}/devices": {
    method: "delete",
    access: "server",
    summary: "Remove every push token of a customer",
    path: customerId,
    answers: { 200: withWallet("The customer after.") },
    errors: [404],
  },
  "GET /customers/{id}/transactions": {
    method: "get",
    access: "server",
    summary: "A customer's ledger",
    description: "A calendar year (`year`), or by default the last three months; newest first.",
    path: customerId,
    query: ZCustomerTransactionsQuerySchema,
    answers: { 200: { description: "Ledger rows.", data: z.array(ZTransactionSchema) } },
    errors: [404],
  },
  "GET /customers/{id}/rewards/gift-cards": {
    method: "get",
    access: "server",
    summary: "A customer's gift cards",
    path: customerId,
    answers: { 200: { description: "The cards.", data: z.array(ZGiftCardSchema) } },
    errors: [404],
  },
  "GET /customers/{id}/punch-cards": {
    method: "get",
    access: "server",
    summary: "A customer's punch cards (extension)",
    path: customerId,
    answers: { 200: { description: "The cards.", data: z.array(ZPunchCardSchema) } },
    errors: [404],
  },
  "POST /customers/{id}/referrals/request-code": {
    method: "post",
    access: "server",
    summary: "Get a customer's referral code for a campaign",
    description: "201 with a new code, 200 with the one the customer already has.",
    path: customerId,
    body: {
      schema: ZReferralCodeRequestSchema,
      example: { campaign_id: CAMPAIGN_ID, brand_id: BRAND_ID },
    },
    answers: {
      200: { description: "The customer's existing code.", data: ZReferralCodeSchema },
      201: { description: "A new code.", data: ZReferralCodeSchema },
    },
    errors: [404, 422],
  },
};
