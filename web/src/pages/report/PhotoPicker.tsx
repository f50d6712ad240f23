// The big photo button and the thumbnails. Files upload as soon as they are chosen (the answer brings their
// EXIF location); a file that could not go yet waits in the report's outbox entry as a Blob.
import {
  CameraOutlined,
  CheckCircleFilled,
  CloseOutlined,
  CloudOutlined,
  ExclamationCircleFilled,
  LoadingOutlined,
  PlusOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import { useRef } from 'react';
import type { Media } from '../../api/events';
import { useI18n } from '../../i18n';

export type PhotoStatus = 'uploading' | 'done' | 'waiting' | 'error';

export interface Photo {
  /** A local id (the file has no server id until uploaded). */
  id: string;
  file: File;
  /** An object URL of the file: the thumbnail works offline. */
  preview: string;
  status: PhotoStatus;
  media?: Media;
  error?: string;
}

export const MAX_PHOTOS = 9;

export function PhotoPicker({
  photos,
  onAdd,
  onRemove,
}: {
  photos: readonly Photo[];
  onAdd: (files: File[]) => void;
  onRemove: (id: string) => void;
}) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const full = photos.length >= MAX_PHOTOS;
  const open = () => input.current?.click();

  return (
    <section className="report-photos" data-testid="report-photos">
      <input
        ref={input}
        type="file"
        accept="image/*,video/*"
        capture="environment"
        multiple
        hidden
        data-testid="photo-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // choosing the same file again fires again
          if (files.length) onAdd(files);
        }}
      />
      {photos.length === 0 ? (
        <button type="button" className="report-photo-button" data-testid="photo-button" onClick={open}>
          <CameraOutlined className="report-photo-icon" />
          <span className="report-photo-label">{t('report.photo.take')}</span>
          <span className="report-photo-hint">{t('report.photo.hint', { max: MAX_PHOTOS })}</span>
        </button>
      ) : (
        <div className="report-thumbs">
          {photos.map((p) => (
            <div key={p.id} className={`report-thumb report-thumb-${p.status}`} data-status={p.status}>
              {p.file.type.startsWith('video/') ? (
                <div className="report-thumb-video">
                  <VideoCameraOutlined />
                </div>
              ) : (
                <img src={p.preview} alt={p.file.name} />
              )}
              <span className="report-thumb-state" title={p.error ?? t(`report.photo.${p.status}`)}>
                {p.status === 'uploading' && <LoadingOutlined />}
                {p.status === 'done' && <CheckCircleFilled />}
                {p.status === 'waiting' && <CloudOutlined />}
                {p.status === 'error' && <ExclamationCircleFilled />}
              </span>
              <button
                type="button"
                className="report-thumb-remove"
                aria-label={t('report.photo.remove')}
                onClick={() => onRemove(p.id)}
              >
                <CloseOutlined />
              </button>
            </div>
          ))}
          {!full && (
            <button
              type="button"
              className="report-thumb report-thumb-add"
              data-testid="photo-add"
              aria-label={t('report.photo.more')}
              onClick={open}
            >
              <PlusOutlined />
            </button>
          )}
        </div>
      )}
      {photos.some((p) => p.status === 'waiting') && (
        <div className="report-note">{t('report.photo.waitingNote')}</div>
      )}
      {photos
        .filter((p) => p.status === 'error')
        .map((p) => (
          <div key={p.id} className="report-error-text">
            {p.file.name}: {p.error}
          </div>
        ))}
    </section>
  );
}
