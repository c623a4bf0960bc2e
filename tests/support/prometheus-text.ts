/** One series of a Prometheus text exposition. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (version 0.0.4) well enough for assertions. */
export function parseExposition(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return series;
}

/** The sum of the series named `name` whose labels include `labels` (0 when none). */
export function total(series: Series[], name: string, labels: Record<string, string> = {}): number {
  return matching(series, name, labels).reduce((sum, one) => sum + one.value, 0);
}

export function matching(series: Series[], name: string, labels: Record<string, string> = {}): Series[] {
  return series.filter((one) => one.name === name && Object.entries(labels).every(([key, value]) => one.labels[key] === value));
}
