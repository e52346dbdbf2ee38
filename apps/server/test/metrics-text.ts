/** One sample of the Prometheus text format: `name{label="value",...} 12.5`. */
export type Sample = { name: string; labels: Record<string, string>; value: number };

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export const parseExposition = (text: string): Sample[] =>
  text.split("\n").flatMap((line) => {
    const match = LINE.exec(line);
    if (!match || line.startsWith("#")) return [];
    const labels = Object.fromEntries([...(match[2] ?? "").matchAll(LABEL)].map((m) => [m[1], m[2]]));
    return [{ name: match[1] ?? "", labels, value: Number(match[3]) }];
  });

/** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
export const seriesValue = (text: string, name: string, labels: Record<string, string> = {}): number =>
  parseExposition(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

/** Every value one label of `name` takes. */
export const labelValues = (text: string, name: string, label: string): string[] => [
  ...new Set(
    parseExposition(text)
      .filter((s) => s.name === name && s.labels[label] !== undefined)
      .map((s) => s.labels[label] as string),
  ),
];
