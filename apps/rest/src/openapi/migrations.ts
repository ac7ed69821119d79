import {
  ZMigrateCustomersSchema,
  ZMigrateEventsSchema,
  ZMigrateTransactionsSchema,
  ZMigrationJobSchema,
  ZMigrationQueuedSchema,
} from "@tally/schemas";
import { migrateCustomers, migrateEvents, migrateTransactions } from "./examples.ts";
import { idParam, RATE_LIMIT_HEADERS, type RouteDoc } from "./operation.ts";

const batch = (what: string, schema: RouteDoc["body"]): RouteDoc => ({
  method: "post",
  access: "server",
  summary: `Migrate ${what}`,
  description:
    "The whole batch (at most 1000 records) is validated, queued and answered 202; GET /migrations/{id} follows it. Rate limited per account.",
  body: schema,
  answers: {
    202: {
      description: "The queued job.",
      data: ZMigrationQueuedSchema,
      headers: RATE_LIMIT_HEADERS,
    },
  },
  errors: [429],
});

/** The migrate routes and their jobs. */
export const migrationRoutes: Record<string, RouteDoc> = {
  "POST /customers/migrate": batch("customers with opening balances", {
    schema: ZMigrateCustomersSchema,
    example: migrateCustomers,
  }),
  "POST /customers/migrate/events": batch("historic purchases", {
    schema: ZMigrateEventsSchema,
    example: migrateEvents,
  }),
  "POST /customers/migrate/transactions": batch("ledger history", {
    schema: ZMigrateTransactionsSchema,
    example: migrateTransactions,
  }),
  "GET /migrations/{id}": {
    method: "get",
    access: "server",
    summary: "A migration job's progress (extension)",
    path: idParam("The job's id.", "0199a1b2-3c4d-7e5f-8a9b-3e4f5a6b7c8d"),
    answers: {
      200: { description: "The job and its per-item errors.", data: ZMigrationJobSchema },
    },
    errors: [404],
  },
};
