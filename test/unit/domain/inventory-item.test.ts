import { describe, expect, it } from 'vitest';
import {
  CHUNK_SIZE,
  DEDUP_WINDOW_MS,
  MAX_ITEMS_PER_PUSH,
  MAX_QUANTITY,
} from '../../../lambdas/domain/inventory-item';

describe("Trendyol's limits", () => {
  it('match the contract: 20,000 stock, 1000 items per request, 15-minute identical-body rule', () => {
    expect(MAX_QUANTITY).toBe(20_000);
    expect(CHUNK_SIZE).toBe(1000);
    expect(DEDUP_WINDOW_MS).toBe(15 * 60 * 1000);
  });

  it('allows at most 50,000 items per push', () => {
    expect(MAX_ITEMS_PER_PUSH).toBe(50_000);
  });
});
