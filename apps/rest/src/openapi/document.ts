import {
  ZCampaignSchema,
  ZCustomerSchema,
  ZEventSchema,
  ZRewardSchema,
  ZTierSchema,
  ZTransactionSchema,
  ZWalletSchema,
} from "@tally/schemas";
import { z } from "zod";
import { createDocument, type ZodOpenApiPathsObject } from "zod-openapi";
import { API_PREFIX } from "../prefix.ts";
import { authRoutes, rootAuthRoutes } from "./auth.ts";
import { catalogRoutes } from "./catalog.ts";
import { customerRoutes } from "./customers.ts";
import { DOCS_ASSETS } from "./docs-page.ts";
import { eventRoutes } from "./events.ts";
import { migrationRoutes } from "./migrations.ts";
import { operation, type RouteDoc } from "./operation.ts";

const GROUPS: [tag: string, prefix: string, routes: Record<string, RouteDoc>][] = [
  ["Authentication", API_PREFIX, authRoutes],
  ["Authentication", "", rootAuthRoutes],
  ["Customers", API_PREFIX, customerRoutes],
  ["Catalog", API_PREFIX, catalogRoutes],
  ["Events", API_PREFIX, eventRoutes],
  ["Migrations", API_PREFIX, migrationRoutes],
];

const CHECKS = z.object({
  database: z.string().meta({ description: '"ok", or why the database is unreachable.' }),
  migrations: z.string().meta({ description: '"current", or the pending migrations.' }),
  shutdown: z.literal("in progress").optional(),
});

/** /healthz and /readyz: liveness and readiness (docs/operations.md#health). */
const healthPaths = (prefix: string): ZodOpenApiPathsObject => ({
  [`${prefix}/healthz`]: {
    get: {
      tags: ["Service"],
      summary: "Is the process alive (looks at nothing else)",
      responses: {
        200: {
          description: "Alive.",
          content: { "application/json": { schema: z.object({ data: z.literal("ok") }) } },
        },
      },
    },
  },
  [`${prefix}/readyz`]: {
    get: {
      tags: ["Service"],
      summary: "Should the process get traffic: database reachable, migrations current",
      responses: {
        200: {
          description: "Ready.",
          content: {
            "application/json": {
              schema: z.object({
                data: z.object({
                  ready: z.literal(true),
                  checks: CHECKS,
                  unknown_migrations: z.array(z.string()).optional(),
                }),
              }),
            },
          },
        },
        503: {
          description: "Not ready: `details` names each failing check.",
          content: {
            "application/json": {
              schema: z.object({
                error: z.literal("UNAVAILABLE"),
                details: z.string(),
                checks: CHECKS,
              }),
            },
          },
        },
      },
    },
  },
});

/** The routes outside the API: health, this document and its page. */
const SERVICE_PATHS: ZodOpenApiPathsObject = {
  ...healthPaths(""),
  ...healthPaths(API_PREFIX),
  "/metrics": {
    get: {
      tags: ["Service"],
      summary: "Prometheus metrics of this process",
      description: "With METRICS_TOKEN set, only a bearer of that token is answered.",
      responses: {
        200: {
          description: "The metrics, in Prometheus' text format.",
          content: { "text/plain": {} },
        },
        401: {
          description: "METRICS_TOKEN is set and the request does not bear it.",
          content: {
            "application/json": {
              schema: z.object({ error: z.literal("UNAUTHORIZED"), details: z.string() }),
            },
          },
        },
      },
    },
  },
  "/health": {
    get: {
      tags: ["Service"],
      summary: "Is the process up",
      responses: {
        200: {
          description: "Up.",
          content: { "application/json": { schema: z.object({ data: z.literal("ok") }) } },
        },
      },
    },
  },
  "/openapi.json": {
    get: {
      tags: ["Service"],
      summary: "This document (OpenAPI 3.1)",
      responses: {
        200: {
          description: "The document.",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
      },
    },
  },
  "/docs": {
    get: {
      tags: ["Service"],
      summary: "This document as a page",
      responses: { 200: { description: "The page.", content: { "text/html": {} } } },
    },
  },
  "/docs/assets/{file}": {
    get: {
      tags: ["Service"],
      summary: "The page's scripts and styles",
      requestParams: { path: z.object({ file: z.enum(Object.keys(DOCS_ASSETS)) }) },
      responses: {
        200: {
          description: "The file.",
          content: { "text/javascript": {}, "text/css": {} },
        },
        404: {
          description: "No such file.",
          content: {
            "application/json": {
              schema: z.object({ error: z.literal("NOT_FOUND"), details: z.string() }),
            },
          },
        },
      },
    },
  },
};

/** The OpenAPI 3.1 document of the storefront REST app, built from the shared zod schemas. */
export function createOpenApiDocument() {
  const paths: ZodOpenApiPathsObject = { ...SERVICE_PATHS };
  for (const [tag, prefix, routes] of GROUPS) {
    for (const [key, doc] of Object.entries(routes)) {
      const path = prefix + key.slice(key.indexOf(" ") + 1);
      paths[path] = { ...paths[path], [doc.method]: operation(tag, doc) };
    }
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Tally storefront API",
      version: "1",
      description:
        "The Masivo storefront API as Tally serves it. Call GET /auth/authorize with your API key (`x-api-key`) for a token, then send it as `Authorization: Bearer <token>`. On this page, authorize with the API key alone: each call first exchanges it for a token. Bodies are JSON (`Content-Type: application/json`); failures are `{error, details}`.",
    },
    servers: [{ url: "/", description: "This server" }],
    components: {
      securitySchemes: {
        apiKey: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description: "A SERVER or CLIENT API key; only GET /auth/authorize takes it.",
        },
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The token of GET /auth/authorize, valid for an hour.",
        },
      },
      schemas: {
        Customer: ZCustomerSchema,
        Wallet: ZWalletSchema,
        Reward: ZRewardSchema,
        Tier: ZTierSchema,
        Campaign: ZCampaignSchema,
        Event: ZEventSchema,
        Transaction: ZTransactionSchema,
      },
    },
    paths,
  });
}
