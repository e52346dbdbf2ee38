import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * How a checkout's `payreq` command runs, as that checkout ships it: its build (made here first) when it has one,
 * else its TypeScript sources through tsx (checkouts from before the build). Used to run this checkout and an
 * older one side by side in one benchmark.
 */
export const payreqCommand = (serverDir: string, options: { fromSources?: boolean } = {}): string[] => {
  const build = join(serverDir, "build", "build-service.mjs");
  if (options.fromSources || !existsSync(build)) return ["--import", "tsx", "src/cli/main.ts"];
  execFileSync(process.execPath, [build], { cwd: serverDir, stdio: ["ignore", "ignore", "inherit"] });
  return [join(serverDir, "dist", "payreq.mjs")];
};
