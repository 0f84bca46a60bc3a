/**
 * The k best (score, id) pairs of a stream, in a fixed-size binary min-heap: O(n log k) with no allocation
 * per item, where sorting every matching entry would cost O(n log n) and an array per query.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.ids = new Int32Array(k);
  }

  /** Ties keep the lower id, so rankings do not depend on the order entries were offered. */
  private less(a: number, b: number): boolean {
    const sa = this.scores[a] as number;
    const sb = this.scores[b] as number;
    return sa < sb || (sa === sb && (this.ids[a] as number) > (this.ids[b] as number));
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a] as number;
    const i = this.ids[a] as number;
    this.scores[a] = this.scores[b] as number;
    this.ids[a] = this.ids[b] as number;
    this.scores[b] = s;
    this.ids[b] = i;
  }

  offer(score: number, id: number): void {
    if (this.size < this.k) {
      let at = this.size++;
      this.scores[at] = score;
      this.ids[at] = id;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!this.less(at, parent)) break;
        this.swap(at, parent);
        at = parent;
      }
      return;
    }
    const min = this.scores[0] as number;
    if (score < min || (score === min && id > (this.ids[0] as number))) return;
    this.scores[0] = score;
    this.ids[0] = id;
    this.siftDown();
  }

  /** Restores the heap order after the root was replaced. */
  private siftDown(): void {
    let at = 0;
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let least = at;
      if (l < this.size && this.less(l, least)) least = l;
      if (r < this.size && this.less(r, least)) least = r;
      if (least === at) break;
      this.swap(at, least);
      at = least;
    }
  }

  /** Empties the heap for reuse. */
  clear(): void {
    this.size = 0;
  }

  /** The ids held, best first. Empties the heap: each pop takes the worst, which goes at the back. */
  best(): number[] {
    const out = new Array<number>(this.size);
    while (this.size > 0) {
      const last = --this.size;
      out[last] = this.ids[0] as number;
      this.scores[0] = this.scores[last] as number;
      this.ids[0] = this.ids[last] as number;
      this.siftDown();
    }
    return out;
  }
}
