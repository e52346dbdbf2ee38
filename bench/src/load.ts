import autocannon from "autocannon";

export type LoadResult = {
  /** Server CPU per request, all its threads (filled in by the caller that started the server). */
  serverCpuMicrosPerRequest?: number;
  /** CPU per request of this process, autocannon's: it shares the machine's cores with the server. */
  loadCpuMicrosPerRequest: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
};

export type LoadOptions = {
  url: string;
  connections: number;
  durationSeconds: number;
  headers: Record<string, string>;
};

/** autocannon over loopback; every request carries a body of its own (a distinct order number). */
export const runLoad = async (options: LoadOptions, bodyFor: (n: number) => string): Promise<LoadResult> => {
  let n = 0;
  const before = process.cpuUsage();
  const result = await autocannon({
    url: options.url,
    method: "POST",
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { "content-type": "application/json", ...options.headers },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodyFor(n++) }) }],
  });
  const spent = process.cpuUsage(before);
  return {
    loadCpuMicrosPerRequest: (spent.user + spent.system) / Math.max(1, result.requests.total),
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
};
