import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const swaggerUi = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** The files the page loads, served from the installed swagger-ui-dist (no CDN). */
export const DOCS_ASSETS: Record<string, { file: string } | { text: string; type: string }> = {
  "swagger-ui.css": { file: join(swaggerUi, "swagger-ui.css") },
  "swagger-ui-bundle.js": { file: join(swaggerUi, "swagger-ui-bundle.js") },
  "init.js": { text: initScript(), type: "text/javascript; charset=utf-8" },
};

/** The page: swagger-ui over /openapi.json, scripts from /docs/assets (none inline). */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tally storefront API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

/**
 * The page's start. "Try it" on a route that needs a token, with only the API key authorized,
 * first calls GET /auth/authorize with that key and sends the token it answers (kept for 50
 * minutes of its hour), so a reader authorizes once with the key they were given.
 */
function initScript(): string {
  return `"use strict";
(function () {
  var cached = null;
  function apiKey() {
    // Undefined while the page loads the document itself.
    if (!window.ui) return null;
    var auth = window.ui.authSelectors.authorized();
    return auth && auth.getIn(["apiKey", "value"]);
  }
  function token(key) {
    if (cached && cached.key === key && cached.until > Date.now()) return Promise.resolve(cached.token);
    return fetch("/api/storefront/v1/auth/authorize", { headers: { "x-api-key": key } })
      .then(function (res) { return res.json(); })
      .then(function (body) {
        if (typeof body.data !== "string") throw new Error(body.details || "no token");
        cached = { key: key, token: body.data, until: Date.now() + 50 * 60 * 1000 };
        return body.data;
      });
  }
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    requestInterceptor: function (req) {
      var key = apiKey();
      var needsToken = !/\\/auth\\/authorize$/.test(new URL(req.url, location.href).pathname);
      if (!key || !needsToken || req.headers.Authorization || req.url.indexOf("/openapi.json") >= 0) return req;
      return token(key).then(function (t) {
        req.headers.Authorization = "Bearer " + t;
        return req;
      }, function () { return req; });
    },
  });
})();
`;
}
