/**
 * transformers.js reports progress per file (`{ file, loaded, total }`), one file after another; the
 * page's progress bar wants bytes of the whole download. Files that have not started yet count with
 * the size the catalog expects for them, so the total does not grow as each file begins, and is
 * replaced by the file's real size as soon as it reports one.
 */
export interface DownloadTotals {
  loadedBytes: number;
  totalBytes: number;
}

export class DownloadProgress {
  private readonly files = new Map<string, { loaded: number; total: number }>();

  /** `expected`: file path → expected bytes, for the files whose size is known before they start. */
  constructor(private readonly expected: ReadonlyMap<string, number>) {}

  update(file: string, loaded: number, total: number): DownloadTotals {
    const known = this.files.get(file);
    // A file read twice (the tokenizer's and the model's config) must not count twice, nor go backwards.
    this.files.set(file, { loaded: Math.max(loaded, known?.loaded ?? 0), total: Math.max(total, loaded, known?.total ?? 0) });
    return this.totals();
  }

  totals(): DownloadTotals {
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const { loaded, total } of this.files.values()) {
      loadedBytes += loaded;
      totalBytes += total;
    }
    for (const [file, bytes] of this.expected) if (!this.files.has(file)) totalBytes += bytes;
    return { loadedBytes, totalBytes };
  }
}
