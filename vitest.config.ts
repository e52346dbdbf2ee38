import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
    // Most files wait on processes, sockets and disks rather than compute: more files than cores at a time.
    maxWorkers: 3,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});
