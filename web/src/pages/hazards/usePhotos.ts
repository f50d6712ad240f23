// Photos chosen on a phone, uploaded at once (POST /media) and kept with their media ids: the hazard
// record form, the inspection check-in and each failed checklist item, the delisting evidence.
import { useCallback, useRef, useState } from 'react';
import { eventsApi } from '../../api/events';
import { useI18n } from '../../i18n';
import { MAX_PHOTOS, type Photo } from '../report/PhotoPicker';

let seq = 0;
const localId = () => `p${Date.now().toString(36)}${(seq++).toString(36)}`;

export interface Photos {
  photos: Photo[];
  add: (files: File[]) => void;
  remove: (id: string) => void;
  clear: () => void;
  uploading: boolean;
  /** The uploaded photos' media ids, in the order chosen. */
  mediaIds: number[];
}

export function usePhotos(max = MAX_PHOTOS): Photos {
  const { errorText } = useI18n();
  const [photos, setPhotosState] = useState<Photo[]>([]);
  const ref = useRef<Photo[]>([]);
  const setPhotos = useCallback((fn: (p: Photo[]) => Photo[]) => {
    ref.current = fn(ref.current);
    setPhotosState(ref.current);
  }, []);
  const add = (files: File[]) => {
    const batch: Photo[] = files
      .slice(0, max - ref.current.length)
      .map((file) => ({ id: localId(), file, preview: URL.createObjectURL(file), status: 'uploading' }));
    if (batch.length === 0) return;
    setPhotos((list) => [...list, ...batch]);
    const ids = batch.map((b) => b.id);
    eventsApi.upload(batch.map((b) => b.file)).then(
      ({ items }) =>
        setPhotos((list) =>
          list.map((p) => {
            const i = ids.indexOf(p.id);
            return i < 0
              ? p
              : items[i]
                ? { ...p, status: 'done', media: items[i] }
                : { ...p, status: 'error' };
          }),
        ),
      (e: unknown) =>
        setPhotos((list) =>
          list.map((p) => (ids.includes(p.id) ? { ...p, status: 'error', error: errorText(e) } : p)),
        ),
    );
  };
  const remove = (id: string) =>
    setPhotos((list) => {
      const p = list.find((x) => x.id === id);
      if (p) URL.revokeObjectURL(p.preview);
      return list.filter((x) => x.id !== id);
    });
  const clear = () => setPhotos(() => []);
  return {
    photos,
    add,
    remove,
    clear,
    uploading: photos.some((p) => p.status === 'uploading'),
    mediaIds: photos.flatMap((p) => (p.media ? [p.media.id] : [])),
  };
}
