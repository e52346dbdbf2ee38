import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Bounds against a hang, not speed checks: three files share two cores, and some hash passwords or start
    // servers, so the defaults (5 s, 10 s) are too tight on a loaded machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["./test/build-global-setup.ts", "../../packages/core/test/postgres-global-setup.ts"],
  },
});
