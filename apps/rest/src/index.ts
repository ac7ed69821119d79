export { API_PREFIX, type AppDeps, createApp } from "./app.ts";
export { readEnv } from "./env.ts";
export { startServer } from "./server.ts";
