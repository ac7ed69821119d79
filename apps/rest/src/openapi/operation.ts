import type { ErrorCode } from "@tally/core";
import { z } from "zod";
import type { ZodOpenApiOperationObject, ZodOpenApiResponseObject } from "zod-openapi";
import { HTTP_STATUS } from "../middleware/errors.ts";

/** Who may call a route: anyone (the token call), any key's token, or only a SERVER key's. */
export type Access = "public" | "any" | "server";

export interface Answer {
  description: string;
  /** The body's `data` (wrapped as `{data}`), or with `whole` the body itself. */
  data?: z.ZodType;
  whole?: z.ZodType;
  headers?: z.ZodObject;
}

/** One route as the document tells it; `operation` adds what every route of its kind answers. */
export interface RouteDoc {
  summary: string;
  description?: string;
  access: Access;
  method: "get" | "post" | "put" | "patch" | "delete";
  path?: z.ZodObject;
  query?: z.ZodType;
  body?: { schema: z.ZodType; example: unknown; required?: boolean };
  answers: Partial<Record<200 | 201 | 202, Answer>>;
  /** Refusals of this route beyond those of every route of its kind. */
  errors?: number[];
}

/** The codes answered with each status (the REST status table), plus the extra fields of 422s. */
function errorSchema(status: number) {
  const codes = (Object.keys(HTTP_STATUS) as ErrorCode[]).filter((c) => HTTP_STATUS[c] === status);
  const base = z.object({
    error: z.enum(codes as [ErrorCode, ...ErrorCode[]]).meta({
      description: "A stable UPPER_SNAKE code.",
    }),
    details: z.string().min(1).meta({
      description: "A sentence naming the offending field path(s).",
    }),
  });
  if (status !== 422) return base;
  return base.extend({
    requirement: z.string().optional().meta({
      description: "CONDITION_NOT_MET: what the failing condition requires.",
    }),
    campaign_id: z.uuid().optional().meta({
      description: "AMOUNT_TOO_LARGE: the campaign whose credit is too large.",
    }),
  });
}

const ERROR_MEANING: Record<number, string> = {
  400: "Invalid input (body, path, query or Idempotency-Key); `details` names each field.",
  401: "Missing, invalid or expired credentials.",
  403: "This key kind (or the customer's consent) does not allow the action.",
  404: "No such resource in this account.",
  409: "A duplicate, an illegal state change, or an Idempotency-Key in use by another request.",
  413: "The body is over its limit (1 MB; 10 MB on the migrate routes).",
  415: "The body was not sent with `Content-Type: application/json`.",
  422: "Well-formed, but a business rule refuses it.",
  429: "Too many requests: see Retry-After.",
  500: "A bug, logged with the request id that `details` names.",
};

const RATE_HEADERS = z.object({
  "X-RateLimit-Limit": z.string().meta({
    description:
      "Requests allowed per minute for this key (batches per hour on the migrate routes).",
  }),
  "X-RateLimit-Remaining": z
    .string()
    .meta({ description: "Requests (batches) left in the window." }),
  "X-RateLimit-Reset": z.string().meta({ description: "Seconds until the window resets." }),
});
export const RATE_LIMIT_HEADERS = RATE_HEADERS;

function errorAnswer(status: number): ZodOpenApiResponseObject {
  return {
    description: ERROR_MEANING[status] ?? "Refused.",
    ...(status === 429 && {
      headers: RATE_HEADERS.extend({
        "Retry-After": z.string().meta({ description: "Seconds to wait before the next request." }),
      }),
    }),
    content: { "application/json": { schema: errorSchema(status) } },
  };
}

const WRITES = new Set(["post", "put", "patch"]);

/** The statuses every route of this kind may answer, besides its own. */
function commonErrors(doc: RouteDoc): number[] {
  if (doc.access === "public") return [401, 500];
  // Every key may be rate limited (docs/api-decisions.md#rate-limits).
  const statuses = [400, 401, 429, 500];
  if (doc.access === "server") statuses.push(403);
  if (WRITES.has(doc.method)) statuses.push(409, 413, 415);
  return statuses;
}

/** The OpenAPI operation of a route: its parameters, body with example, and every answer. */
export function operation(tag: string, doc: RouteDoc): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, answer] of Object.entries(doc.answers)) {
    const schema = answer.whole ?? z.object({ data: answer.data ?? z.unknown() });
    responses[status] = {
      description: answer.description,
      ...(answer.headers && { headers: answer.headers }),
      content: { "application/json": { schema } },
    };
  }
  const errors = [...new Set([...commonErrors(doc), ...(doc.errors ?? [])])].sort();
  for (const status of errors) responses[String(status)] = errorAnswer(status);
  return {
    tags: [tag],
    summary: doc.summary,
    ...(doc.description && { description: doc.description }),
    security: doc.access === "public" ? [{ apiKey: [] }] : [{ bearerAuth: [] }],
    ...((doc.path || doc.query) && {
      requestParams: {
        ...(doc.path && { path: doc.path }),
        ...(doc.query && { query: queryObject(doc.query) }),
      },
    }),
    ...(WRITES.has(doc.method) &&
      doc.access !== "public" && {
        parameters: [
          {
            in: "header",
            name: "Idempotency-Key",
            required: false,
            description:
              "(extension) At most 255 characters: the same request with the same key gets the stored answer, with `Idempotent-Replayed: true`.",
            schema: { type: "string", maxLength: 255 },
          },
        ],
      }),
    ...(doc.body && {
      requestBody: {
        required: doc.body.required ?? true,
        content: {
          "application/json": {
            schema: doc.body.schema,
            examples: { example: { value: doc.body.example } },
          },
        },
      },
    }),
    responses,
  };
}

/** A query schema as one object: an intersection of objects (ranges and filters) is merged. */
function queryObject(schema: z.ZodType): z.ZodObject {
  if (schema instanceof z.ZodObject) return schema;
  if (schema instanceof z.ZodIntersection) {
    const { left, right } = schema.def;
    // A new object: `extend` refuses objects that carry refinements (the range checks).
    return z.object({
      ...queryObject(left as z.ZodType).shape,
      ...queryObject(right as z.ZodType).shape,
    });
  }
  throw new Error("a query schema must be an object or an intersection of objects");
}

/** The `{id}` path parameter, described. */
export const idParam = (what: string, example: string) =>
  z.object({ id: z.string().meta({ description: what, example }) });
