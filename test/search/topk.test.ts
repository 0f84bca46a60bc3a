import { describe, expect, it } from 'vitest';
import { TopK } from '../../src/search/topk.js';

describe('TopK', () => {
  it('keeps the k best, best first, ties to the lower id, and can be reused after clear()', () => {
    const top = new TopK(3);
    for (const [score, id] of [
      [1, 5],
      [3, 2],
      [2, 9],
      [3, 1],
      [0.5, 0],
      [2, 4],
    ] as const)
      top.offer(score, id);
    expect(top.best()).toEqual([1, 2, 4]);
    top.clear();
    top.offer(7, 3);
    expect(top.best()).toEqual([3]);
    top.clear();
    expect(top.best()).toEqual([]);
  });
});
