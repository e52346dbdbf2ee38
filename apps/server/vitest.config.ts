import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/build-global-setup.ts", "../../packages/core/test/postgres-global-setup.ts"],
  },
});
