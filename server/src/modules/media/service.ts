// Attachments: receive and check uploads, keep them in MediaStorage, attach them to the records of other
// modules (events, hazards, disputes, patrols) and serve them to whoever the owning module allows.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Clock } from '../../clock.js';
import type { Db, Queryable } from '../../db/index.js';
import { deploymentSecret } from '../../db/secrets.js';
import { type Actor, actorId, SYSTEM } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import { MediaErrors } from './errors.js';
import { inspectImage } from './image.js';
import {
  ANONYMOUS_UPLOADS_PER_HOUR,
  MAX_FILES_PER_REQUEST,
  READ_GRANT_TTL_MS,
  UNATTACHED_TTL_MS,
} from './limits.js';
import { isSystem, mediaPolicy, type OwnerPolicy, type Variant } from './policy.js';
import * as repo from './repository.js';
import type { MediaDto } from './schema.js';
import type { MediaKind } from './sniff.js';
import { type Staged, stage } from './staging.js';
import { type ByteRange, LocalDiskStorage, type MediaStorage, newKey } from './storage.js';

/** Where an upload comes from: the client address (for anonymous abuse control; never stored as such). */
export interface UploadContext {
  address: string;
  requestId?: string;
}

export interface Readout {
  mime: string;
  bytes: number;
  etag: string;
  open(range?: ByteRange): Promise<Readable>;
}

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
};

/** What a record takes unless its module says otherwise: what a phone's camera makes. */
const PHOTOS_AND_VIDEOS: readonly MediaKind[] = ['image', 'video'];

export class MediaService {
  private readonly ownerPolicies = new Map<string, OwnerPolicy>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly storage: MediaStorage,
    private readonly clock: Clock,
    /** Where incoming files are received before they are checked (same filesystem as a local store). */
    private readonly tmpDir: string,
  ) {}

  /** The owner module states who may read its attachments; attachments of an unregistered owner type are 403. */
  registerOwnerPolicy(ownerType: string, policy: OwnerPolicy): void {
    if (this.ownerPolicies.has(ownerType))
      throw new Error(`media owner policy already registered: ${ownerType}`);
    this.ownerPolicies.set(ownerType, policy);
  }

  /**
   * Receives the files of one request. Each is checked (type from its content, size for its kind, an image
   * must decode) before anything is kept; then all rows and their audit entries commit in one transaction
   * with the files moved into storage. Any refusal leaves nothing behind: all or nothing per request.
   */
  async upload(actor: Actor, files: AsyncIterable<Readable>, ctx: UploadContext): Promise<MediaDto[]> {
    const anonHash = uploaderHash(actor, ctx.address);
    if (actor.kind === 'anonymous') await this.checkAnonymousRate(anonHash as string, 0);
    const staged: (Staged & { facts: Awaited<ReturnType<typeof inspectImage>> | null })[] = [];
    const committed: string[] = [];
    try {
      for await (const file of files) {
        // the multipart limit stops a tenth file anyway; this keeps the rule in the service
        if (staged.length >= MAX_FILES_PER_REQUEST) tooManyFiles();
        await fsp.mkdir(this.tmpDir, { recursive: true });
        const tmp = path.join(this.tmpDir, `${newKey('part').split('/')[2]}`);
        staged.push({ ...(await stageOrClean(file, tmp)), facts: null });
        const s = staged[staged.length - 1] as (typeof staged)[number];
        if (s.type.kind === 'image') s.facts = await inspectImage(await fsp.readFile(s.tmpPath), s.type.mime);
      }
      if (staged.length === 0) MediaErrors.noFiles.raise('Attach at least one file (field name: file)');
      if (actor.kind === 'anonymous') await this.checkAnonymousRate(anonHash as string, staged.length);

      const now = this.clock.now();
      return await this.db.tx(async (q) => {
        const out: MediaDto[] = [];
        for (const s of staged) {
          const key = newKey(EXT[s.type.mime] ?? 'bin');
          const thumbKey = s.facts?.thumbnail ? newKey('jpg') : null;
          const row = await repo.insertMedia(q, {
            storage_key: key,
            thumbnail_key: thumbKey,
            thumbnail_bytes: thumbKey ? (s.facts?.thumbnail?.length ?? null) : null,
            mime: s.type.mime,
            kind: s.type.kind,
            bytes: s.bytes,
            sha256: s.sha256,
            width: s.facts?.width ?? null,
            height: s.facts?.height ?? null,
            taken_at: s.facts?.takenAt ?? null,
            lng: s.facts?.location?.lng ?? null,
            lat: s.facts?.location?.lat ?? null,
            uploaded_by: actorId(actor),
            uploader_hash: anonHash,
            created_at: now,
          });
          await this.audit.record(q, {
            actor,
            action: 'media.upload',
            entityType: 'media',
            entityId: row.id,
            // anonymous uploads carry no identity beyond a prefix of the address hash (abuse control)
            after: {
              kind: row.kind,
              mime: row.mime,
              bytes: row.bytes,
              sha256: row.sha256,
              hasLocation: row.lng !== null,
              ...(actor.kind === 'anonymous'
                ? { uploader: `anon:${(anonHash as string).slice(0, 16)}` }
                : {}),
            },
            requestId: ctx.requestId,
          });
          // moved into place before COMMIT; if the commit fails, the catch below removes them again
          committed.push(key);
          await this.storage.put(key, { file: s.tmpPath });
          if (thumbKey && s.facts?.thumbnail) {
            committed.push(thumbKey);
            await this.storage.put(thumbKey, s.facts.thumbnail);
          }
          out.push(toDto(row));
        }
        return out;
      });
    } catch (err) {
      await Promise.all([
        ...staged.map((s) => fsp.rm(s.tmpPath, { force: true })),
        ...committed.map((k) => this.storage.delete(k).catch(() => undefined)),
      ]);
      throw err;
    }
  }

  /**
   * Attaches uploads to a record of another module, inside that module's transaction `q`. Only the
   * uploader's own unattached uploads can be attached (an anonymous uploader is recognised by address,
   * so pass the request's address). Refuses the whole set (422) if any id is unknown, taken or not theirs.
   */
  async attach(
    q: Queryable,
    ids: readonly number[],
    ownerType: string,
    ownerId: number,
    actor: Actor,
    opts: { address?: string; kinds?: readonly MediaKind[] } = {},
  ): Promise<MediaDto[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const hash = uploaderHash(actor, opts.address);
    const rows = await repo.lockUnattached(q, unique);
    const usable = rows.filter((r) =>
      mediaPolicy.attach(
        actor,
        { uploadedBy: r.uploaded_by, uploaderHash: r.uploader_hash, ownerType: null },
        hash,
      ),
    );
    if (usable.length !== unique.length) {
      const ok = new Set(usable.map((r) => r.id));
      MediaErrors.notAttachable.raise(undefined, { ids: unique.filter((id) => !ok.has(id)) });
    }
    const kinds = opts.kinds ?? PHOTOS_AND_VIDEOS;
    const untaken = usable.filter((r) => !kinds.includes(r.kind));
    if (untaken.length > 0)
      MediaErrors.kindNotTaken.raise(`This record takes ${kinds.join(', ')} only`, {
        ids: untaken.map((r) => r.id),
        kinds,
      });
    const at = this.clock.now();
    await repo.setOwner(q, unique, ownerType, ownerId, at);
    await this.audit.record(q, {
      actor,
      action: 'media.attach',
      entityType: ownerType,
      entityId: ownerId,
      after: { mediaIds: unique },
    });
    return usable.map((r) => toDto({ ...r, owner_type: ownerType, owner_id: ownerId, attached_at: at }));
  }

  /**
   * The first EXIF location among uploads (in the order given), so a report can be placed by its photo
   * when the phone gave no position. Only the uploader's own unattached uploads count.
   */
  async exifLocation(
    ids: readonly number[],
    actor: Actor,
    opts: { address?: string } = {},
  ): Promise<{ lng: number; lat: number } | null> {
    if (ids.length === 0) return null;
    const hash = uploaderHash(actor, opts.address);
    const rows = await repo.findMany(this.db, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      const r = byId.get(id);
      if (!r || r.lng === null || r.lat === null) continue;
      const ref = { uploadedBy: r.uploaded_by, uploaderHash: r.uploader_hash, ownerType: r.owner_type };
      if (mediaPolicy.attach(actor, ref, hash)) return { lng: r.lng, lat: r.lat };
    }
    return null;
  }

  /** The attachments of one record, for the owner module's presenters (it has checked access already). */
  async listForOwner(q: Queryable, ownerType: string, ownerId: number): Promise<MediaDto[]> {
    return (await repo.listByOwner(q, ownerType, ownerId)).map(toDto);
  }

  /**
   * Copies of attachments whose urls carry a read grant: a signature over the attachment, the variant and
   * an expiry, so that whoever holds the url reads that one file until then without an account. For an
   * owner module that shows a record to someone the owner policy cannot recognise from the request alone
   * (a resident without an account following a report by its follow token: an <img> sends no token).
   */
  async withReadGrants(items: readonly MediaDto[], ttlMs = READ_GRANT_TTL_MS): Promise<MediaDto[]> {
    if (items.length === 0) return [];
    const secret = await this.grantSecret();
    // expiries on a whole hour past the ttl, so that the urls (and the browser's cache of them) stay the same
    // for an hour of reloads
    const exp = Math.ceil((this.clock.now().getTime() + ttlMs) / 3_600_000) * 3600;
    const grant = (url: string, id: number, variant: Variant) =>
      `${url}?exp=${exp}&sig=${grantSignature(secret, id, variant, exp)}`;
    return items.map((m) => ({
      ...m,
      url: grant(m.url, m.id, 'original'),
      thumbnailUrl: m.thumbnailUrl ? grant(m.thumbnailUrl, m.id, 'thumbnail') : null,
    }));
  }

  /** Checks that actor may read the attachment (or its thumbnail), or holds a valid read grant for it. */
  async read(
    actor: Actor,
    id: number,
    variant: Variant,
    grant?: { exp: number; sig: string },
  ): Promise<Readout> {
    const row = await repo.findMedia(this.db, id);
    if (!row) return MediaErrors.notFound.raise();
    const granted = grant ? await this.grantHolds(id, variant, grant) : false;
    if (grant && !granted) return MediaErrors.grantInvalid.raise();
    if (!granted && !(await this.mayRead(actor, row, variant))) {
      // 404 for strangers would hide existence, but ids are sequential anyway; 403 tells the client the truth
      return MediaErrors.forbidden.raise();
    }
    if (variant === 'thumbnail') {
      const key = row.thumbnail_key;
      if (!key) return MediaErrors.noThumbnail.raise();
      return {
        mime: 'image/jpeg',
        bytes: row.thumbnail_bytes ?? -1,
        etag: `"${row.sha256}-t"`,
        open: () => this.storage.get(key),
      };
    }
    return {
      mime: row.mime,
      bytes: row.bytes,
      etag: `"${row.sha256}"`,
      open: (range) => this.storage.get(row.storage_key, range),
    };
  }

  private async grantHolds(
    id: number,
    variant: Variant,
    grant: { exp: number; sig: string },
  ): Promise<boolean> {
    if (grant.exp * 1000 <= this.clock.now().getTime()) return false;
    const want = Buffer.from(grantSignature(await this.grantSecret(), id, variant, grant.exp));
    const got = Buffer.from(grant.sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private grantSecret(): Promise<string> {
    return deploymentSecret(this.db, 'media.read-grant');
  }

  private async mayRead(actor: Actor, row: repo.MediaRow, variant: Variant): Promise<boolean> {
    const ref = { uploadedBy: row.uploaded_by, uploaderHash: row.uploader_hash, ownerType: row.owner_type };
    if (row.owner_type === null || row.owner_id === null) return mediaPolicy.readUnattached(actor, ref);
    if (isSystem(actor)) return true;
    const policy = this.ownerPolicies.get(row.owner_type);
    return policy ? policy(actor, row.owner_id, variant) : false;
  }

  /**
   * Deletes unattached uploads created before `olderThan` (default: a day ago) and their files, in batches;
   * returns how many. Rows go first (a file without a row is harmless; a row without its file is not).
   * Also clears temporary files of interrupted uploads. Meant for a scheduled job.
   */
  async purgeUnattached(
    olderThan: Date = new Date(this.clock.now().getTime() - UNATTACHED_TTL_MS),
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const gone = await this.db.tx(async (q) => {
        const rows = await repo.deleteUnattachedBefore(q, olderThan, 500);
        if (rows.length > 0)
          await this.audit.record(q, {
            actor: SYSTEM,
            action: 'media.purge_unattached',
            entityType: 'media',
            after: { count: rows.length, ids: rows.map((r) => r.id) },
          });
        return rows;
      });
      for (const r of gone) {
        await this.storage.delete(r.storage_key);
        if (r.thumbnail_key) await this.storage.delete(r.thumbnail_key);
      }
      total += gone.length;
      if (gone.length < 500) break;
    }
    await this.clearStaleTemporaries(olderThan);
    return total;
  }

  private async clearStaleTemporaries(olderThan: Date) {
    const dirs = new Set([
      this.tmpDir,
      ...(this.storage instanceof LocalDiskStorage ? [this.storage.tmpDir] : []),
    ]);
    for (const dir of dirs) {
      const names = await fsp.readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        const p = path.join(dir, name);
        const st = await fsp.stat(p).catch(() => null);
        if (st?.isFile() && st.mtime < olderThan) await fsp.rm(p, { force: true });
      }
    }
  }

  private async checkAnonymousRate(hash: string, adding: number) {
    const since = new Date(this.clock.now().getTime() - 3600_000);
    const n = await repo.countAnonymousSince(this.db, hash, since);
    if (n + Math.max(adding, 1) > ANONYMOUS_UPLOADS_PER_HOUR)
      MediaErrors.rateLimited.raise(`At most ${ANONYMOUS_UPLOADS_PER_HOUR} anonymous uploads per hour`, {
        retryAfter: 3600,
      });
  }
}

/**
 * Who uploaded, for uploads without an account: an API key by its id, an anonymous client by a hash of
 * its address. The hash is unsalted, so it is a pseudonym (IPv4 space can be enumerated), kept only for
 * abuse control and for the anonymous reporter to attach their own upload in the next request.
 */
export function uploaderHash(actor: Actor, address: string | undefined): string | null {
  if (actor.kind === 'user') return null;
  if (actor.kind === 'api_key') return sha256hex(`media-api-key\n${actor.id}`);
  return address ? sha256hex(`media-address\n${address}`) : null;
}

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

function tooManyFiles(): never {
  return MediaErrors.tooManyFiles.raise(`At most ${MAX_FILES_PER_REQUEST} files per request`, {
    limit: MAX_FILES_PER_REQUEST,
  });
}

async function stageOrClean(file: Readable, tmp: string): Promise<Staged> {
  try {
    return await stage(file, tmp);
  } catch (err) {
    file.resume(); // drain the rest of this part so the request can finish
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

function grantSignature(secret: string, id: number, variant: Variant, exp: number): string {
  return createHmac('sha256', secret).update(`${id}:${variant}:${exp}`).digest('base64url').slice(0, 32);
}

export function toDto(r: repo.MediaRow): MediaDto {
  return {
    id: r.id,
    kind: r.kind,
    mime: r.mime,
    bytes: r.bytes,
    ...(r.width !== null ? { width: r.width } : {}),
    ...(r.height !== null ? { height: r.height } : {}),
    ...(r.taken_at ? { takenAt: r.taken_at.toISOString() } : {}),
    ...(r.lng !== null && r.lat !== null ? { location: { lng: r.lng, lat: r.lat } } : {}),
    url: `/api/v1/media/${r.id}`,
    thumbnailUrl: r.thumbnail_key ? `/api/v1/media/${r.id}/thumbnail` : null,
  };
}

/** The default storage: files under `${dataDir}/media`. */
export function createMediaService(db: Db, audit: AuditService, clock: Clock, dataDir: string): MediaService {
  const storage = new LocalDiskStorage(path.join(dataDir, 'media'));
  return new MediaService(db, audit, storage, clock, storage.tmpDir);
}
