// Prometheus text exposition parsed by a real parser (parse-prometheus-text-format), for tests of /metrics. It folds a
// histogram's labelled series into one, so tests count requests with portal_http_requests_total, a plain counter.
import parsePrometheus from 'parse-prometheus-text-format';

type Sample = { value?: string; labels?: Record<string, string> };
export type MetricFamily = { name: string; help: string; type: string; metrics: Sample[] };

export function parseMetrics(text: string): Map<string, MetricFamily> {
  return new Map((parsePrometheus(text) as MetricFamily[]).map((family) => [family.name, family]));
}

/** The value of the sample of `name` whose labels include `labels`, or 0. */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const sample = families
    .get(name)
    ?.metrics.find((m) => Object.entries(labels).every(([key, value]) => m.labels?.[key] === value));
  return Number(sample?.value ?? 0);
}
