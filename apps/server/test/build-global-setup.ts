import { buildIfStale } from "../build/build-service.mjs";

/** Tests that start `payreq` processes run the build, as production does: made once per run when stale. */
export default async function setup() {
  await buildIfStale();
}
