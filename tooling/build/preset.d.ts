import type { Options } from "tsup";

/** An app's production build: `entry` bundled into `dist/`, `@tally/*` inlined, the rest external. */
export declare function defineAppBuild(options: { entry: string[] }): Options;
