export { type DemoAccount, ensureDemoKey, findDemoAccount, seedDemo } from "./demo.ts";
