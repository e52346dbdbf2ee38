import { html } from "hono/html";
import { linkTo } from "../filters.ts";

export type DayCounts = { day: string; success: number; rejected: number; failed: number };

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 44;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 28;

/** 1, 2, 5, 10, 20, 50, …: the smallest at or above `max`, so the axis reads in round numbers. */
const roundUp = (max: number) => {
  const step = 10 ** Math.floor(Math.log10(Math.max(max, 1)));
  return ([1, 2, 5, 10] as const).map((m) => m * step).find((v) => v >= max) ?? 10 * step;
};

const SERIES = [
  ["success", "succeeded"],
  ["rejected", "rejected"],
  ["failed", "failed"],
] as const;

/**
 * Calls per day by outcome as stacked bars, drawn on the server as SVG: no script, no chart library. Each bar
 * links to that day's calls; the same numbers are in a table beside it for screen readers and copying.
 */
export const dayChart = (days: readonly DayCounts[], departmentUuid: string | undefined) => {
  const top = roundUp(Math.max(0, ...days.map((d) => d.success + d.rejected + d.failed)));
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(days.length, 1);
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  const bars = days.map((d, i) => {
    let base = 0;
    const x = LEFT + i * slot + slot * 0.15;
    const segments = SERIES.map(([key]) => {
      const value = d[key];
      const rect = html`<rect class="bar-${key}" x="${x.toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${((value / top) * plotHeight).toFixed(1)}"></rect>`;
      base += value;
      return value > 0 ? rect : "";
    });
    const label = `${d.day}: ${SERIES.map(([key, word]) => `${d[key]} ${word}`).join(", ")}`;
    const href = linkTo("/ops/calls", { since: d.day, until: `${d.day}T23:59:59.999Z`, departmentUuid });
    return html`<a href="${href}" aria-label="${label}"><title>${label}</title>
<rect class="bar-hit" x="${(LEFT + i * slot).toFixed(1)}" y="${TOP}" width="${slot.toFixed(1)}" height="${plotHeight}"></rect>${segments}</a>`;
  });
  const ticks = [0, top / 2, top].map(
    (
      v,
    ) => html`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"></line>
<text class="axis" x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`,
  );
  const dayLabels = days.map((d, i) =>
    i % 7 === days.length % 7 || i === days.length - 1
      ? html`<text class="axis" x="${(LEFT + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle">${d.day.slice(5)}</text>`
      : "",
  );
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="group" aria-labelledby="chart-title">
<title id="chart-title">Calls per day by outcome, last ${days.length} days (UTC days)</title>
${ticks}${bars}${dayLabels}
</svg>
<figcaption>
<span class="legend"><span class="swatch swatch-success"></span>succeeded</span>
<span class="legend"><span class="swatch swatch-rejected"></span>rejected (4xx)</span>
<span class="legend"><span class="swatch swatch-failed"></span>failed (5xx)</span>
<span class="muted">Days are UTC. Select a bar for that day's calls.</span>
</figcaption>
</figure>`;
};
