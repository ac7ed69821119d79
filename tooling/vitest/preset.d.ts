import type { UserConfig } from "vitest/config";

/** Shared vitest settings for one package; `name` labels its tests and its JSON report. */
export declare function defineTallyConfig(name: string): UserConfig;
