import { notFound } from "@tally/core";
import { Router } from "express";
import { DOCS_ASSETS, DOCS_PAGE } from "../openapi/docs-page.ts";
import { createOpenApiDocument } from "../openapi/document.ts";

/** GET /openapi.json, and GET /docs: the document rendered by swagger-ui, assets from the package. */
export function docsRouter(): Router {
  const router = Router();
  let document: unknown;
  router.get("/openapi.json", (_req, res) => {
    document ??= createOpenApiDocument();
    res.json(document);
  });
  router.get("/docs", (_req, res) => {
    res.type("html").send(DOCS_PAGE);
  });
  router.get("/docs/assets/:file", (req, res) => {
    const asset = Object.hasOwn(DOCS_ASSETS, req.params.file)
      ? DOCS_ASSETS[req.params.file]
      : undefined;
    if (!asset) throw notFound("file", req.params.file);
    // The package sits under node_modules/.pnpm: a dot folder, which sendFile refuses by default.
    if ("file" in asset) res.sendFile(asset.file, { dotfiles: "allow" });
    else res.type(asset.type).send(asset.text);
  });
  return router;
}
