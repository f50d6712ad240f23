// Who may read an attachment. Pure: the owning module's answer is passed in, not looked up here.
import type { Actor } from '../access/actor.js';

export type Variant = 'original' | 'thumbnail';

/** Decides whether `actor` may read an attachment of ownerId (the owner module's rule: its own scope and roles). */
export type OwnerPolicy = (actor: Actor, ownerId: number, variant: Variant) => Promise<boolean>;

export interface UploadRef {
  uploadedBy: number | null;
  uploaderHash: string | null;
  ownerType: string | null;
}

export const isSystem = (a: Actor) => a.kind === 'user' && a.id === 0;

export const mediaPolicy = {
  /**
   * An unattached upload is readable only by the account that uploaded it (and the system). Anonymous
   * uploaders cannot prove who they are on a later request, so they read nothing back: the upload's
   * answer already gave them what the report form needs (EXIF place and time).
   */
  readUnattached(actor: Actor, m: UploadRef): boolean {
    if (m.ownerType !== null) return false;
    if (isSystem(actor)) return true;
    return actor.kind === 'user' && m.uploadedBy === actor.id;
  },

  /** Attaching: only the uploader's own unattached uploads (matched by account, API key or address hash). */
  attach(actor: Actor, m: UploadRef, uploaderHash: string | null): boolean {
    if (m.ownerType !== null) return false;
    if (isSystem(actor)) return true;
    if (actor.kind === 'user') return m.uploadedBy === actor.id;
    return m.uploadedBy === null && uploaderHash !== null && m.uploaderHash === uploaderHash;
  },
};
