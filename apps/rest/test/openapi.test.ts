import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createOpenApiDocument } from "../src/openapi/document.ts";
import { API_PREFIX, newTenant, useTestApp } from "./helpers.ts";
import { checkResponses, takeViolations } from "./openapi-check.ts";

const ctx = useTestApp();
const doc = createOpenApiDocument() as unknown as {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
};

/** An app answering `answer` on GET /tiers, held to the document like every test app. */
function fake(path: string, answer: (res: express.Response) => void) {
  const app = express();
  app.get(path, (_req, res) => answer(res));
  return checkResponses(app);
}

describe("the OpenAPI document", () => {
  it("is served at /openapi.json and describes every route with examples for its bodies", async () => {
    const res = await request(ctx.app).get("/openapi.json").expect(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(res.body.paths).toEqual(JSON.parse(JSON.stringify(doc.paths)));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const body = op.requestBody?.content["application/json"] as
          | { examples?: { example?: { value?: unknown } } }
          | undefined;
        if (body) expect(body.examples?.example?.value, `${method} ${path}`).toBeDefined();
      }
    }
    // Every operation of the API prefix: 3 auth, 11 customer, 10 catalog, 8 event, 4 migration,
    // and the health checks (healthz, readyz).
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(API_PREFIX))
      .flatMap(([, item]) => Object.keys(item));
    expect(operations).toHaveLength(38);
  });

  it("has examples the routes accept: the documented customer registers", async () => {
    const tenant = await newTenant(ctx);
    const body = doc.paths[`${API_PREFIX}/customers`]?.post?.requestBody?.content[
      "application/json"
    ] as { examples: { example: { value: object } } } | undefined;
    const example = body?.examples.example.value;
    expect(example).toBeDefined();
    await tenant.server.post("/customers", example).expect(201);
  });
});

describe("the drift check", () => {
  it("catches a field the document does not name", async () => {
    await request(fake(`${API_PREFIX}/tiers`, (res) => res.json({ data: [], extra: 1 })))
      .get(`${API_PREFIX}/tiers`)
      .expect(200);
    expect(takeViolations()).toEqual([
      expect.stringMatching(
        /GET \/api\/storefront\/v1\/tiers → 200: body does not fit.*additional/,
      ),
    ]);
  });

  it("catches a status the document does not list", async () => {
    await request(fake(`${API_PREFIX}/tiers`, (res) => res.status(418).json({ data: [] })))
      .get(`${API_PREFIX}/tiers`)
      .expect(418);
    expect(takeViolations()).toEqual([expect.stringMatching(/status 418 is not documented/)]);
  });

  it("catches a route the document lacks, and lets a 404 of no route through", async () => {
    await request(fake("/undocumented", (res) => res.json({ data: 1 })))
      .get("/undocumented")
      .expect(200);
    expect(takeViolations()).toEqual([expect.stringMatching(/serves a route the document lacks/)]);
    await request(ctx.app).get("/nowhere").expect(404);
    expect(takeViolations()).toEqual([]);
  });

  it("catches a wrong media type", async () => {
    await request(fake(`${API_PREFIX}/tiers`, (res) => res.type("text").send("ok")))
      .get(`${API_PREFIX}/tiers`)
      .expect(200);
    expect(takeViolations()).toEqual([expect.stringMatching(/media type "text\/plain"/)]);
  });
});
