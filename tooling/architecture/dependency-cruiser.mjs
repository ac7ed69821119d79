/**
 * The architecture `pnpm test` enforces (test/architecture.test.ts; `pnpm --filter
 * @tally/architecture graph` prints the violations). docs/architecture.md explains the layers.
 */

/** The service layer's domain modules, lowest first: a module imports only lower ones. */
export const SERVICE_LAYERS = [
  ["kernel"],
  ["accounts"],
  ["webhooks"],
  ["catalog"],
  ["ledger"],
  ["customers"],
  ["programs"],
  ["coupons"],
  ["events"],
  ["migrations", "maintenance"],
  ["demo"],
];

const SERVICE = "^packages/service/src";
const higherThan = (level) => SERVICE_LAYERS.slice(level + 1).flat();

const layering = SERVICE_LAYERS.flatMap((modules, level) =>
  modules.map((module) => ({
    name: `service-layer-${module}`,
    comment: `${module} may import only modules below it (${SERVICE_LAYERS.slice(0, level).flat().join(", ") || "none"})`,
    severity: "error",
    from: { path: `${SERVICE}/${module}/` },
    to: {
      path: `${SERVICE}/(${[...higherThan(level), ...modules.filter((m) => m !== module)].join("|")})/`,
    },
  })),
).filter((rule) => !rule.to.path.endsWith("/()/"));

/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import circle anywhere, type-only imports included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-app-imports-app",
      comment: "Apps only host packages; shared code lives in packages/.",
      severity: "error",
      from: { path: "^apps/([^/]+)/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "no-package-imports-app",
      severity: "error",
      from: { path: "^(packages|tooling)/" },
      to: { path: "^apps/" },
    },
    {
      name: "pure-core",
      comment: "The engine is pure: no database, no services, no transport.",
      severity: "error",
      from: { path: "^packages/core/src/" },
      to: { path: "^packages/(db|service|schemas)/|^apps/" },
    },
    {
      name: "api-on-services",
      comment: "The internal API's routers call services; they reach no table, importer or job.",
      severity: "error",
      from: { path: "^packages/api/" },
      to: { path: "^packages/(db|import|jobs|client)/" },
    },
    {
      name: "client-only-api-types",
      comment: "The typed client knows the API by its types alone: it ships no server code.",
      severity: "error",
      from: { path: "^packages/client/" },
      to: { path: "^packages/", pathNot: "^packages/(client|api)/" },
    },
    {
      name: "client-api-type-only",
      severity: "error",
      from: { path: "^packages/client/" },
      to: { path: "^packages/api/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "module-face-only",
      comment: "A service module reaches another only through its index.ts.",
      severity: "error",
      from: { path: `${SERVICE}/([^/]+)/` },
      to: {
        path: `${SERVICE}/[^/]+/`,
        pathNot: [`${SERVICE}/$1/`, `${SERVICE}/[^/]+/index\\.ts$`],
      },
    },
    {
      name: "service-root-is-only-a-face",
      comment: "Outside the modules, the service package has only its index.ts.",
      severity: "error",
      from: { path: `${SERVICE}/[^/]+\\.ts$`, pathNot: `${SERVICE}/index\\.ts$` },
      to: {},
    },
    ...layering,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules|/dist/|\\.turbo" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".d.ts"],
    },
  },
};
