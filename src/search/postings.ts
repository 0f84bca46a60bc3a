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
  /** term -> term id */
  terms: Map<string, number>;
  /** term id -> first posting; `offsets[id + 1]` ends it. */
  offsets: Uint32Array;
  /** document ids, ascending within a term */
  docs: Uint32Array;
  /** precomputed BM25F weight of the term in the document */
  weights: Float32Array;
  /** bit f set when the term occurs in field f: tells the reason sentence where a term matched */
  fieldMasks: Uint8Array;
  /** average length of each field, for explaining a score by field */
  avgLengths: Float64Array;
  docCount: number;
}

function idf(docCount: number, df: number): number {
  return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
}

export function buildPostings(docs: string[][][], fields: FieldSpec[], k1: number): Postings {
  const avgLengths = new Float64Array(fields.length);
  for (const doc of docs)
    for (let f = 0; f < fields.length; f++) avgLengths[f] = (avgLengths[f] as number) + (doc[f]?.length ?? 0);
  for (let f = 0; f < fields.length; f++)
    avgLengths[f] = Math.max(1, (avgLengths[f] ?? 0) / Math.max(1, docs.length));

  // term -> flat list of [doc, tf', mask] triples, in document order
  const lists = new Map<string, number[]>();
  docs.forEach((doc, d) => {
    const tfs = new Map<string, { tf: number; mask: number }>();
    for (let f = 0; f < fields.length; f++) {
      const terms = doc[f] ?? [];
      const spec = fields[f] as FieldSpec;
      const norm = 1 - spec.b + (spec.b * terms.length) / (avgLengths[f] as number);
      for (const t of terms) {
        const cur = tfs.get(t) ?? { tf: 0, mask: 0 };
        cur.tf += spec.weight / norm;
        cur.mask |= 1 << f;
        tfs.set(t, cur);
      }
    }
    for (const [t, { tf, mask }] of tfs) {
      const list = lists.get(t);
      if (list) list.push(d, tf, mask);
      else lists.set(t, [d, tf, mask]);
    }
  });

  let total = 0;
  for (const list of lists.values()) total += list.length / 3;
  const terms = new Map<string, number>();
  const offsets = new Uint32Array(lists.size + 1);
  const docIds = new Uint32Array(total);
  const weights = new Float32Array(total);
  const fieldMasks = new Uint8Array(total);
  let at = 0;
  for (const [t, list] of lists) {
    const id = terms.size;
    terms.set(t, id);
    offsets[id] = at;
    const w = idf(docs.length, list.length / 3);
    for (let i = 0; i < list.length; i += 3) {
      const tf = list[i + 1] as number;
      docIds[at] = list[i] as number;
      weights[at] = (w * tf) / (k1 + tf);
      fieldMasks[at] = list[i + 2] as number;
      at++;
    }
  }
  offsets[lists.size] = at;
  return { terms, offsets, docs: docIds, weights, fieldMasks, avgLengths, docCount: docs.length };
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
