/** The service's build directory, apps/server/dist. */
export const DIST: string;
/** The built `payreq` command: `node apps/server/dist/payreq.mjs serve`. */
export const MAIN: string;
export function isStale(): boolean;
export function buildService(): Promise<string>;
export function buildIfStale(): Promise<string>;
