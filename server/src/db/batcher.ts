// Batches of work that arrives concurrently. Group commit: writes are made in batches, one transaction
// per batch, and each caller is answered when its batch has committed (so an answer still means "it is
// stored"). Grouped reads: lookups by key that arrive together are answered by one query.
//
// No timer decides when a batch goes: a batch starts as soon as fewer than `maxInFlight` are being
// written, taking everything that waits (up to `maxBatch`). Items that arrive in the same turn of the
// event loop go together; under load, items gather while earlier batches are written, so batches grow
// with the load and a lone item is never held back.
//
// When a batch fails as a whole (one item's refusal rolls back the transaction of all), each of its
// items is written again alone: the others succeed, and the failing one gets its own error.

export interface BatcherOptions<T, R> {
  /** The most items one batch takes. */
  maxBatch: number;
  /** How many batches may be written at once (1 on a database with one connection). */
  maxInFlight: number;
  /** Does a batch (a write: in one transaction) and returns one result per item, in order; throws to fail all. */
  write(items: T[]): Promise<R[]>;
  /**
   * Whether a batch's failure left nothing written, so that its items may be written again one by one
   * (default: always). Say no when it may have committed (the connection broke during COMMIT).
   */
  rolledBack?(e: unknown): boolean;
}

interface Waiting<T, R> {
  item: T;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export interface BatcherStats {
  batches: number;
  items: number;
  /** Batches that failed as a whole and were written again item by item. */
  fallbacks: number;
  largest: number;
}

export class Batcher<T, R> {
  private queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  readonly stats: BatcherStats = { batches: 0, items: 0, fallbacks: 0, largest: 0 };

  constructor(private readonly opts: BatcherOptions<T, R>) {
    if (!(opts.maxBatch >= 1) || !(opts.maxInFlight >= 1))
      throw new Error('maxBatch and maxInFlight must be ≥ 1');
  }

  /** Resolves with the item's result once its batch has committed; rejects with its own error. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch (not counting those being written). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // after the current turn: whatever else arrives in it joins the batch
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch);
        this.inFlight++;
        void this.run(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  private async run(batch: Waiting<T, R>[]): Promise<void> {
    this.stats.batches++;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    let results: R[];
    try {
      results = await this.opts.write(batch.map((w) => w.item));
    } catch (e) {
      if (batch.length === 1 || !(this.opts.rolledBack?.(e) ?? true)) {
        for (const w of batch) w.reject(e);
        return;
      }
      this.stats.fallbacks++;
      for (const w of batch) {
        try {
          const [r] = await this.opts.write([w.item]);
          w.resolve(r as R);
        } catch (err) {
          w.reject(err);
        }
      }
      return;
    }
    if (results.length !== batch.length) {
      const e = new Error(`a batch of ${batch.length} gave ${results.length} results`);
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      w.resolve(results[i] as R);
    });
  }
}
