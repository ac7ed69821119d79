import {
  ZTotpCodeSchema,
  ZTotpCreateSchema,
  ZTotpVerifiedSchema,
  ZTotpVerifyQuerySchema,
} from "@tally/schemas";
import { z } from "zod";
import { CUSTOMER_ID } from "./examples.ts";
import type { RouteDoc } from "./operation.ts";

const authorize: RouteDoc = {
  method: "get",
  access: "public",
  summary: "Exchange an API key for a token",
  description:
    "Send the API key in `x-api-key`; the answer is an HS256 JWT valid for one hour, sent as `Authorization: Bearer <token>` on every other route.",
  answers: {
    200: { description: "The token.", data: z.string().meta({ description: "A JWT." }) },
  },
};

/** The token call, and one-time customer codes. */
export const authRoutes: Record<string, RouteDoc> = {
  "GET /auth/authorize": authorize,
  "POST /auth/totp": {
    method: "post",
    access: "server",
    summary: "Create a one-time code for a customer",
    description: "A 6-digit code valid for 5 minutes, usable once.",
    body: {
      schema: ZTotpCreateSchema,
      example: { customer_id: CUSTOMER_ID, metadata: { purpose: "checkout-login" } },
    },
    answers: { 201: { description: "The code.", data: ZTotpCodeSchema } },
    errors: [404],
  },
  "GET /auth/totp/verify": {
    method: "get",
    access: "server",
    summary: "Use a one-time code",
    description: "Answers the code's customer and wallet; an unknown, used or expired code is 404.",
    query: ZTotpVerifyQuerySchema,
    answers: { 200: { description: "The customer of the code.", data: ZTotpVerifiedSchema } },
    errors: [404],
  },
};

/** The token call served at the host root too, as Masivo's docs show it. */
export const rootAuthRoutes: Record<string, RouteDoc> = { "GET /auth/authorize": authorize };
