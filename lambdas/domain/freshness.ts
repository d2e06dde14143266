/**
 * Freshness: how long a value takes from being accepted by ECI (the push or catalog change that made
 * its job) to Trendyol confirming it (the batch settled SUCCESS for it). Reported per connection as
 * p50/p95 over a window, counted per confirmed item (a chunk's items share its lag).
 */

/** One settled chunk: its lag in ms and how many items Trendyol confirmed in it. */
export interface LagSample {
  lagMs: number;
  items: number;
}

export interface FreshnessWindow {
  /** Confirmed items in the window. */
  items: number;
  /** Median and 95th percentile of accept → confirm, ms (null without confirmed items). */
  p50Ms: number | null;
  p95Ms: number | null;
}

/**
 * Nearest-rank percentile (the smallest lag with at least p% of the items at or below it), weighted by
 * items. `p` in (0, 100]. Null when there are no items.
 */
export function weightedPercentile(samples: readonly LagSample[], p: number): number | null {
  const kept = samples.filter((s) => s.items > 0).sort((a, b) => a.lagMs - b.lagMs);
  const total = kept.reduce((sum, s) => sum + s.items, 0);
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const s of kept) {
    seen += s.items;
    if (seen >= rank) return s.lagMs;
  }
  return kept.at(-1)?.lagMs ?? null;
}

export function freshnessOf(samples: readonly LagSample[]): FreshnessWindow {
  return {
    items: samples.reduce((sum, s) => sum + Math.max(0, s.items), 0),
    p50Ms: weightedPercentile(samples, 50),
    p95Ms: weightedPercentile(samples, 95),
  };
}
