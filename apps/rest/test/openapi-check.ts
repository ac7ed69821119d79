import type { IncomingMessage, ServerResponse } from "node:http";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Express } from "express";
import { createOpenApiDocument } from "../src/openapi/document.ts";

/**
 * The drift check: every answer an app wrapped by `checkResponses` sends is held to the OpenAPI
 * document — its route, its status, its media type and (JSON) its body, against the schema of
 * that route and status, where every object refuses fields it does not name
 * (`additionalProperties: false`, as the document's response schemas are generated). What does
 * not fit is kept in `violations`, which the test setup turns into a failure of the test.
 */
const doc = createOpenApiDocument() as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, "openapi");

const operations = Object.keys(doc.paths)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    regex: new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
    ),
  }))
  // A literal path wins over a template (/customers/migrate over /customers/{id}).
  .sort((a, b) => a.params - b.params);

const validators = new Map<string, ValidateFunction>();
const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

function validatorOf(template: string, method: string, status: string): ValidateFunction {
  const ref = `openapi#/${pointer("paths", template, method, "responses", status, "content", "application/json", "schema")}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

/** What did not fit the document since the last `takeViolations`. */
const violations: string[] = [];
export const takeViolations = (): string[] => violations.splice(0);

/** An answer of a request no route handled (unknown path or method): the error envelope. */
const validateEnvelope = ajv.compile({
  type: "object",
  properties: { error: { type: "string", pattern: "^[A-Z_]+$" }, details: { type: "string" } },
  required: ["error", "details"],
  additionalProperties: false,
});

function check(
  url: string,
  req: IncomingMessage & { route?: unknown },
  res: ServerResponse,
  body: Buffer,
) {
  const path = url.split("?")[0] ?? "";
  const method = (req.method ?? "GET").toLowerCase();
  // A CORS preflight is the browser asking, not an operation of the API (docs/operations.md#cors).
  if (method === "options") return;
  const status = String(res.statusCode);
  const where = `${req.method} ${path} → ${status}`;
  const type =
    String(res.getHeader("content-type") ?? "")
      .split(";")[0]
      ?.trim() ?? "";
  const json =
    type === "application/json" && body.length > 0 ? JSON.parse(body.toString()) : undefined;
  const found = operations.find((o) => o.regex.test(path) && doc.paths[o.template]?.[method]);
  if (!found) {
    // No route of the document: right only if no route of the app handled it either.
    if (req.route) violations.push(`${where}: the app serves a route the document lacks`);
    else if (!/^4\d\d$/.test(status) || !validateEnvelope(json)) {
      violations.push(`${where}: an unknown route must answer a 4xx {error, details}`);
    }
    return;
  }
  const answer = doc.paths[found.template]?.[method]?.responses[status];
  if (!answer) {
    violations.push(`${where}: status ${status} is not documented for ${found.template}`);
    return;
  }
  if (method === "head" || body.length === 0) return;
  if (!answer.content || !(type in answer.content)) {
    violations.push(`${where}: media type "${type}" is not documented`);
    return;
  }
  if (json === undefined) return;
  const validate = validatorOf(found.template, method, status);
  if (!validate(json)) {
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`)
      .join("; ");
    violations.push(`${where}: body does not fit the document: ${errors}`);
  }
}

/** `app`, with every answer it sends checked against the document. */
export function checkResponses(app: Express): Express {
  // An Express app is a function that calls its own `handle`: wrapping that sees every request.
  const inner = app as unknown as {
    handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void;
  };
  const handle = inner.handle.bind(app);
  inner.handle = (req: IncomingMessage, res: ServerResponse, next?: unknown) => {
    watch(req, res);
    handle(req, res, next);
  };
  return app;
}

function watch(req: IncomingMessage, res: ServerResponse) {
  // Routers rewrite req.url on the way down; the path as asked is the one the document names.
  const url = req.url ?? "";
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === "string") {
      chunks.push(
        Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"),
      );
    } else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== "function") keep(chunk, rest[0]);
    try {
      check(url, req, res, Buffer.concat(chunks));
    } catch (error) {
      violations.push(`${req.method} ${req.url}: the check failed: ${String(error)}`);
    }
    return end(chunk, ...rest);
  }) as typeof res.end;
}
