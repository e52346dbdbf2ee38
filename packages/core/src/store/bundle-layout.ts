declare const __PAYREQ_BUNDLED__: boolean | undefined;

/**
 * Whether this code runs from the service's build (apps/server/dist, where the build defines the constant): the
 * files it reads at run time (migrations, the SQLite worker) then lie beside the bundle, not in the source tree.
 */
export const runsFromBundle = typeof __PAYREQ_BUNDLED__ !== "undefined" && __PAYREQ_BUNDLED__;
