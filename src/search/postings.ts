/**
 * BM25F postings in typed arrays. Each document is a list of fields, each field a list of terms. Because the
 * BM25F weight of a term in a document does not depend on the query, it is computed here once:
 * `idf(t) * tf'/(k1 + tf')` with `tf' = sum_f w_f * tf_f / (1 - b_f + b_f * len_f / avglen_f)`.
 * A query then only adds up stored weights, which keeps search an inverted-index walk.
 */
export interface FieldSpec {
  weight: number;
  b: number;
}

export interface Postings {
  /** term -> term id; may be shared with other postings, and hold terms with no posting here */
  terms: Map<string, number>;
  /** term id -> first posting; `offsets[id + 1]` ends it. */
  offsets: Uint32Array;
  /** document ids, ascending within a term */
  docs: Uint32Array;
  /** precomputed BM25F weight of the term in the document */
  weights: Float32Array;
  /** bit f set when the term occurs in field f (entries have nine fields): tells the reason where a term matched */
  fieldMasks: Uint16Array;
  /** average length of each field, for explaining a score by field */
  avgLengths: Float64Array;
  docCount: number;
}

function idf(docCount: number, df: number): number {
  return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
}

/**
 * Takes documents one at a time and keeps only their term ids, in one flat list: the terms of a whole catalog
 * as an array per document and field took more memory than the finished postings while building.
 */
export class PostingsBuilder {
  /**
   * Every document's term ids, field after field. In the JS heap, not in a typed array: the memory allocator
   * keeps freed large buffers, the GC returns pages.
   */
  private readonly ids: number[] = [];
  /** Per document, the number of terms of each field. */
  private readonly lengths: number[] = [];

  /**
   * `terms` may be shared by several builders, so that a term has one id in all their postings; each builds
   * after every builder has taken its documents.
   */
  constructor(
    private readonly fields: FieldSpec[],
    private readonly terms = new Map<string, number>(),
  ) {}

  /** Term ids are given in order of first occurrence. */
  add(doc: string[][]): void {
    for (let f = 0; f < this.fields.length; f++) {
      const fieldTerms = doc[f] ?? [];
      this.lengths.push(fieldTerms.length);
      for (const t of fieldTerms) {
        let id = this.terms.get(t);
        if (id === undefined) {
          id = this.terms.size;
          this.terms.set(t, id);
        }
        this.ids.push(id);
      }
    }
  }

  build(k1: number): Postings {
    const nFields = this.fields.length;
    const docCount = this.lengths.length / nFields;
    const avgLengths = new Float64Array(nFields);
    for (let d = 0; d < docCount; d++)
      for (let f = 0; f < nFields; f++)
        avgLengths[f] = (avgLengths[f] as number) + (this.lengths[d * nFields + f] as number);
    for (let f = 0; f < nFields; f++)
      avgLengths[f] = Math.max(1, (avgLengths[f] ?? 0) / Math.max(1, docCount));

    // Two passes over the documents, the first counting each term's documents, the second placing postings by
    // term: computing tf' twice is cheaper than holding it for every posting in between.
    const scratch = new DocScratch(this.terms.size);
    const df = new Uint32Array(this.terms.size);
    this.eachDoc(avgLengths, scratch, () => {
      for (const id of scratch.inDoc) df[id] = (df[id] as number) + 1;
    });
    const offsets = new Uint32Array(this.terms.size + 1);
    for (let id = 0; id < this.terms.size; id++)
      offsets[id + 1] = (offsets[id] as number) + (df[id] as number);
    const n = offsets[this.terms.size] as number;
    const next = offsets.slice(0, this.terms.size);
    const docIds = new Uint32Array(n);
    const weights = new Float32Array(n);
    const fieldMasks = new Uint16Array(n);
    this.eachDoc(avgLengths, scratch, (d) => {
      for (const id of scratch.inDoc) {
        const at = next[id] as number;
        next[id] = at + 1;
        const tf = scratch.tf[id] as number;
        docIds[at] = d;
        weights[at] = (idf(docCount, df[id] as number) * tf) / (k1 + tf);
        fieldMasks[at] = scratch.mask[id] as number;
      }
    });
    return { terms: this.terms, offsets, docs: docIds, weights, fieldMasks, avgLengths, docCount };
  }

  /** For each document in order: its distinct terms' tf' and field masks in `scratch` while `visit` runs. */
  private eachDoc(avgLengths: Float64Array, scratch: DocScratch, visit: (doc: number) => void): void {
    const nFields = this.fields.length;
    let at = 0;
    for (let d = 0; d < this.lengths.length / nFields; d++) {
      for (let f = 0; f < nFields; f++) {
        const spec = this.fields[f] as FieldSpec;
        const length = this.lengths[d * nFields + f] as number;
        const norm = 1 - spec.b + (spec.b * length) / (avgLengths[f] as number);
        for (const end = at + length; at < end; at++)
          scratch.add(this.ids[at] as number, spec.weight / norm, f);
      }
      visit(d);
      scratch.clear();
    }
  }
}

/** One document's distinct terms, with tf' and field mask per term id; reset after each document. */
class DocScratch {
  readonly tf: Float64Array;
  readonly mask: Uint32Array;
  readonly inDoc: number[] = [];

  constructor(vocabulary: number) {
    this.tf = new Float64Array(vocabulary);
    this.mask = new Uint32Array(vocabulary);
  }

  add(id: number, weight: number, field: number): void {
    if (this.mask[id] === 0) this.inDoc.push(id);
    this.tf[id] = (this.tf[id] as number) + weight;
    this.mask[id] = (this.mask[id] as number) | (1 << field);
  }

  clear(): void {
    for (const id of this.inDoc) {
      this.tf[id] = 0;
      this.mask[id] = 0;
    }
    this.inDoc.length = 0;
  }
}

/** Position of `doc` in the posting list of `termId`, or -1: a binary search (lists are in document order). */
export function findPosting(p: Postings, termId: number, doc: number): number {
  let lo = p.offsets[termId] as number;
  let hi = (p.offsets[termId + 1] as number) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const d = p.docs[mid] as number;
    if (d === doc) return mid;
    if (d < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function postingCount(p: Postings, termId: number): number {
  return (p.offsets[termId + 1] as number) - (p.offsets[termId] as number);
}
