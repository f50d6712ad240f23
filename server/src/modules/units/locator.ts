// Keeps the locate index in memory and in step with the database. The index is built on first use
// and rebuilt when unit_tree_version changes: this process's own writes call invalidate(); changes by
// other processes are noticed by reading the version at most once per CHECK_INTERVAL_MS.
import type { Db } from '../../db/index.js';
import type { Boundary } from './geo.js';
import { LocateIndex } from './locate-index.js';
import * as repo from './repository.js';
import { LEVEL_DEPTH } from './schema.js';

export const CHECK_INTERVAL_MS = 3000;

export interface LoadedIndex {
  index: LocateIndex;
  /** Materialised path of every indexed unit, to fetch its ancestors in one query. */
  paths: Map<number, string>;
  version: number;
}

export class Locator {
  private loaded: LoadedIndex | null = null;
  private loading: Promise<LoadedIndex> | null = null;
  /** Bumped by every invalidation, so that a load started before it is not kept after it. */
  private generation = 0;
  private lastCheck = 0;
  private knownVersion: number | null = null;
  /** Called when another process changed the tree (caches built from it are stale). */
  onExternalChange: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Drop the index; the next lookup rebuilds it. Call after this process changed the tree. */
  invalidate() {
    this.generation++;
    this.loaded = null;
    this.loading = null;
    this.knownVersion = null;
    this.lastCheck = 0;
  }

  /** Checks the tree version when the last check is older than the interval; true when it moved. */
  async checkVersion(): Promise<boolean> {
    const t = this.now();
    if (t - this.lastCheck < CHECK_INTERVAL_MS) return false;
    this.lastCheck = t;
    const v = await repo.treeVersion(this.db);
    const moved = this.knownVersion !== null && v !== this.knownVersion;
    this.knownVersion = v;
    if (moved) {
      this.generation++;
      this.loaded = null;
      this.loading = null;
      this.onExternalChange();
    }
    return moved;
  }

  async get(): Promise<LoadedIndex> {
    await this.checkVersion();
    for (;;) {
      if (this.loaded) return this.loaded;
      const generation = this.generation;
      if (!this.loading) {
        const p = this.load().finally(() => {
          if (this.loading === p) this.loading = null;
        });
        this.loading = p;
      }
      const loaded = await this.loading;
      if (generation === this.generation) {
        this.loaded = loaded;
        this.knownVersion ??= loaded.version;
        return loaded;
      }
      // invalidated while loading: the index may predate the change; load again
    }
  }

  private async load(): Promise<LoadedIndex> {
    // read the version before the shapes: a change racing the load shows as a newer version later
    const version = await repo.treeVersion(this.db);
    const rows = await repo.shapes(this.db);
    const paths = new Map<number, string>();
    const index = new LocateIndex(
      rows.map((r) => ({
        id: r.id,
        code: r.code,
        depth: LEVEL_DEPTH[r.level],
        boundary: r.boundary as Boundary,
        ...(r.min_lng !== null && r.min_lat !== null && r.max_lng !== null && r.max_lat !== null
          ? { bbox: [r.min_lng, r.min_lat, r.max_lng, r.max_lat] as [number, number, number, number] }
          : {}),
      })),
    );
    for (const r of rows) paths.set(r.id, r.path);
    return { index, paths, version };
  }
}
