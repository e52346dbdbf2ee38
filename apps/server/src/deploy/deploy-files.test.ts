import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, readConfig } from "../config.ts";

const run = promisify(execFile);
const DEPLOY = fileURLToPath(new URL("../../../../deploy/", import.meta.url));
const read = (name: string) => readFileSync(`${DEPLOY}${name}`, "utf8");

/** KEY=value lines, set or shown as defaults (`#KEY=value`). */
const variables = (text: string) =>
  text
    .split("\n")
    .map((line) => /^#?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ key: match[1] ?? "", value: match[2] ?? "", set: !match[0].startsWith("#") }));

describe("deploy/", () => {
  it("payreq.service passes systemd-analyze verify, runs the build with node, and drains before it is killed", async () => {
    const unit = read("payreq.service");
    const verified = await run("systemd-analyze", ["verify", `${DEPLOY}payreq.service`]);
    expect(verified.stderr.trim()).toBe("");
    const setting = (key: string) =>
      unit
        .split("\n")
        .filter((line) => line.startsWith(`${key}=`))
        .map((line) => line.slice(key.length + 1));
    expect(setting("ExecStart")).toEqual(["/usr/bin/node /opt/payreq/apps/server/dist/payreq.mjs serve"]);
    expect(setting("KillMode")).toEqual(["mixed"]);
    // Above the longest stop with the defaults: the drain, a call (request timeout), then a receipt's two deliveries.
    const defaults = readConfig({});
    expect(Number.parseInt(setting("TimeoutStopSec")[0] ?? "0", 10) * 1000).toBeGreaterThan(
      defaults.drainTimeoutMs + defaults.requestTimeoutMs + 2 * defaults.deliveryTimeoutMs,
    );
    for (const sandbox of ["NoNewPrivileges", "PrivateTmp", "ProtectHome"])
      expect(setting(sandbox)).toEqual(["yes"]);
    expect(setting("ProtectSystem")).toEqual(["strict"]);
    expect(setting("ReadWritePaths")).toEqual(["/var/lib/payreq"]);
  });

  it("haproxy.cfg is valid for Debian's haproxy, checks /readyz and retries only failed connections", async () => {
    const checked = await run("haproxy", ["-c", "-f", `${DEPLOY}haproxy.cfg`]);
    expect(checked.stdout).toContain("Configuration file is valid");
    const config = read("haproxy.cfg");
    expect(config).toMatch(/option httpchk GET \/readyz/);
    expect(config).toMatch(/^\s+retry-on conn-failure$/m);
    expect(config).toMatch(/^\s+option forwardfor$/m);
    expect(config.match(/^\s+server payreq\d /gm)).toHaveLength(3);
  });

  it("payreq.env.example names every setting the service reads, and the service accepts it", () => {
    const example = variables(read("payreq.env.example"));
    expect(example.map((v) => v.key).sort()).toEqual([...CONFIG_VARIABLES].sort());
    const env = Object.fromEntries(example.filter((v) => v.set).map((v) => [v.key, v.value]));
    const config = readConfig(env);
    expect(config).toMatchObject({ migrate: false, drainTimeoutMs: 5000, demo: false, port: 3001 });
    // Every value shown commented out (a default or an example) is one the service accepts.
    const everything = readConfig({
      ...env,
      ...Object.fromEntries(example.filter((v) => !v.set && v.value !== "").map((v) => [v.key, v.value])),
    });
    expect(everything).toMatchObject({ drainTimeoutMs: 5000, requestTimeoutMs: 30_000 });
    expect(everything.stripe).toBeDefined();
  });
});
