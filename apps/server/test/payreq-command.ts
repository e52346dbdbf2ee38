import { fileURLToPath } from "node:url";
import { MAIN } from "../build/build-service.mjs";

/** The built `payreq` command (made fresh by the tests' global setup): what production runs with plain `node`. */
export const PAYREQ_MAIN: string = MAIN;

/** Where the command runs in the tests: the server package, as `pnpm payreq` does. */
export const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
