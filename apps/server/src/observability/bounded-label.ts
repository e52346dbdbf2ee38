/**
 * Label values from a set that cannot grow past `max`: the first `max` distinct values keep their own series,
 * later ones share `overflow`. Every series costs Prometheus memory for as long as it is kept, so no label may
 * take arbitrarily many values, whatever callers send.
 */
export const boundedLabel = (max: number, overflow = "other") => {
  const seen = new Set<string>();
  return (value: string): string => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return overflow;
    seen.add(value);
    return value;
  };
};
