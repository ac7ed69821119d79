import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { defineConfig } from "tsup";

/**
 * An app's production build: its entry points bundled into `dist/<name>.js` (ESM, Node 20),
 * the workspace's `@tally/*` packages inlined (they export TypeScript source) and every
 * third-party package left as an `import` resolved from the app's `node_modules` at run time,
 * so packages that load files beside their own code (PGlite's WebAssembly) keep working.
 *
 * `dist/` stays flat: `apps/<app>/dist/main.js` is as deep below the repository root as
 * `packages/db/src/env.ts`, whose default data folder is relative to its own module URL.
 *
 * @param {{ entry: string[] }} options entry files, e.g. `["src/main.ts"]`
 */
export function defineAppBuild({ entry }) {
  return defineConfig({
    entry,
    outDir: "dist",
    format: ["esm"],
    platform: "node",
    target: "node20",
    sourcemap: true,
    clean: true,
    splitting: true,
    skipNodeModulesBundle: true,
    noExternal: [/^@tally\//],
    esbuildPlugins: [declaredImports(process.cwd())],
  });
}

/**
 * Fails the build when the bundle imports a package its app does not list in `dependencies`:
 * at run time (and in a `pnpm deploy --prod` image) only those are in the app's node_modules,
 * so an import that the workspace package declares but the app does not would fail to load.
 */
function declaredImports(appDir) {
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  return {
    name: "tally-declared-imports",
    setup(build) {
      build.onEnd((result) => {
        if (!result.metafile) return;
        const missing = new Set();
        for (const output of Object.values(result.metafile.outputs)) {
          for (const { path, external } of output.imports) {
            if (!external || isBuiltin(path)) continue;
            const name = path.startsWith("@")
              ? path.split("/").slice(0, 2).join("/")
              : path.split("/")[0];
            if (!declared.has(name)) missing.add(name);
          }
        }
        if (missing.size > 0)
          throw new Error(
            `${manifest.name} imports ${[...missing].sort().join(", ")} without listing them in its package.json "dependencies" (add them as "catalog:")`,
          );
      });
    },
  };
}
