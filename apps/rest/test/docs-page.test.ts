import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { seedDemo } from "@tally/service";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createOpenApiDocument } from "../src/openapi/document.ts";
import { useTestApp } from "./helpers.ts";

/** Debian's chromium (`.ci/run` installs it); playwright's own download cannot reach the net. */
const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
if (!present && !inCi) {
  console.warn(
    `docs-page.test.ts skipped: no browser at ${CHROMIUM} (apt-get install -y chromium); in CI (CI=1) this fails instead.`,
  );
}

const ctx = useTestApp();

describe.skipIf(!present && !inCi)("the /docs page in headless Chromium", () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base: string;
  let demoKey: string;

  beforeAll(async () => {
    if (!present) throw new Error(`CI needs Chromium at ${CHROMIUM}: .ci/run installs it`);
    demoKey = (await seedDemo(ctx.deps)).serverKey;
    server = createApp({ ...ctx.deps, jwtSecret: ctx.jwtSecret }).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage();
    await page.goto(`${base}/docs`);
    await page.waitForSelector(".opblock", { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  it("lists every route of the document", async () => {
    const listed = await page.$$eval(".opblock", (blocks) =>
      blocks.map((b) => {
        const method = b.querySelector(".opblock-summary-method")?.textContent ?? "";
        const path = b.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "";
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    const documented = Object.entries(createOpenApiDocument().paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(documented.sort());
  });

  it("tries GET /tiers with the demo key, authorized once, and gets a 200", async () => {
    await page.click(".auth-wrapper .authorize");
    const apiKey = page.locator(".auth-container").filter({ hasText: "x-api-key" });
    await apiKey.locator("input").fill(demoKey);
    await apiKey.locator("button.authorize").click();
    await page.click(".auth-btn-wrapper .btn-done");

    const tiers = page.locator(".opblock-get", {
      has: page.locator('[data-path="/api/storefront/v1/tiers"]'),
    });
    await tiers.locator(".opblock-summary").click();
    await tiers.locator("button.try-out__btn").click();
    await tiers.locator("button.execute").click();
    const status = tiers.locator(".live-responses-table tbody .response-col_status").first();
    await status.waitFor({ timeout: 30_000 });
    expect((await status.textContent())?.trim()).toBe("200");
    const body = await tiers
      .locator(".live-responses-table tbody .microlight")
      .first()
      .textContent();
    expect(JSON.parse(body ?? "{}").data[0]).toMatchObject({ name: "Base", level: 1 });
  });
});
