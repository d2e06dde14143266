export interface WindowRule {
  key: string;
  limit: number;
  windowMs: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

// Rolling windows of accepted hits. Refused requests are not recorded, so a client that backs off
// for one window is guaranteed to get through again.
export class RollingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  // All rules are checked before any is charged, so a request refused by one group does not eat
  // budget in another.
  take(rules: readonly WindowRule[], nowMs: number): RateDecision {
    let retryAfterMs = 0;
    for (const rule of rules) {
      if (!Number.isFinite(rule.limit)) continue;
      const hits = this.prune(rule.key, rule.windowMs, nowMs);
      if (hits.length >= rule.limit) {
        const oldest = hits[hits.length - rule.limit] ?? nowMs;
        retryAfterMs = Math.max(retryAfterMs, oldest + rule.windowMs - nowMs);
      }
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    for (const rule of rules) {
      if (!Number.isFinite(rule.limit)) continue;
      this.prune(rule.key, rule.windowMs, nowMs).push(nowMs);
    }
    return { ok: true };
  }

  reset(): void {
    this.hits.clear();
  }

  private prune(key: string, windowMs: number, nowMs: number): number[] {
    const hits = (this.hits.get(key) ?? []).filter((t) => t > nowMs - windowMs && t <= nowMs);
    this.hits.set(key, hits);
    return hits;
  }
}
