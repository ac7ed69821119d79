import { defineTallyConfig } from "@tally/vitest-preset";

export default defineTallyConfig("internal");
