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

  // Term ids in order of first occurrence. Postings are gathered as one stream in document order (each
  // document's distinct terms with their tf' and field mask), then placed by term: three flat arrays, so
  // building holds a few bytes per posting rather than a JS array per term.
  const terms = new Map<string, number>();
  // Per term: tf' and field mask within the current document, and document frequency (small: the vocabulary).
  const termTf: number[] = [];
  const termMask: number[] = [];
  const df: number[] = [];
  // In the JS heap, not in typed arrays: the memory allocator keeps freed large buffers, the GC returns pages.
  const stream: number[] = [];
  const streamTf: number[] = [];
  const streamMask: number[] = [];
  let n = 0;
  const docStart = new Uint32Array(docs.length + 1);
  const inDoc: number[] = [];
  docs.forEach((doc, d) => {
    docStart[d] = n;
    for (let f = 0; f < fields.length; f++) {
      const fieldTerms = doc[f] ?? [];
      const spec = fields[f] as FieldSpec;
      const norm = 1 - spec.b + (spec.b * fieldTerms.length) / (avgLengths[f] as number);
      for (const t of fieldTerms) {
        let id = terms.get(t);
        if (id === undefined) {
          id = terms.size;
          terms.set(t, id);
          termTf.push(0);
          termMask.push(0);
          df.push(0);
        }
        if (termMask[id] === 0) inDoc.push(id);
        termTf[id] = (termTf[id] as number) + spec.weight / norm;
        termMask[id] = (termMask[id] as number) | (1 << f);
      }
    }
    for (const id of inDoc) {
      stream.push(id);
      streamTf.push(termTf[id] as number);
      streamMask.push(termMask[id] as number);
      n++;
      df[id] = (df[id] as number) + 1;
      termTf[id] = 0;
      termMask[id] = 0;
    }
    inDoc.length = 0;
  });
  docStart[docs.length] = n;

  const offsets = new Uint32Array(terms.size + 1);
  for (let id = 0; id < terms.size; id++) offsets[id + 1] = (offsets[id] as number) + (df[id] as number);
  const idfs = new Float64Array(terms.size);
  for (let id = 0; id < terms.size; id++) idfs[id] = idf(docs.length, df[id] as number);
  const next = offsets.slice(0, terms.size);
  const docIds = new Uint32Array(n);
  const weights = new Float32Array(n);
  const fieldMasks = new Uint8Array(n);
  for (let d = 0; d < docs.length; d++) {
    for (let i = docStart[d] as number; i < (docStart[d + 1] as number); i++) {
      const id = stream[i] as number;
      const at = next[id] as number;
      next[id] = at + 1;
      const tf = streamTf[i] as number;
      docIds[at] = d;
      weights[at] = ((idfs[id] as number) * tf) / (k1 + tf);
      fieldMasks[at] = streamMask[i] as number;
    }
  }
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
