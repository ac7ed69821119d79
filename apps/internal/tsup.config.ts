import { defineAppBuild } from "@tally/build-preset";

export default defineAppBuild({ entry: ["src/main.ts"] });
