// Photos attached to an action (a resolution, a rectification, an answer's documents): each file is
// uploaded as soon as it is picked, so that submitting only sends the media ids. The caller keeps the
// file list (to block submitting while a file is still uploading) and is told of a failed upload.
import { PlusOutlined } from '@ant-design/icons';
import { Upload, type UploadFile } from 'antd';
import { eventsApi, type Media } from '../api/events';
import { isAbort } from '../lib/useAsync';

export type PhotoFile = UploadFile<{ items: Media[] }>;

const IMAGE_TYPES = 'image/jpeg,image/png,image/webp,image/heic,image/heif';

export function PhotoUpload({
  files,
  onChange,
  max,
  label,
  onError,
  testId,
  labelClassName,
  documents = false,
}: {
  files: PhotoFile[];
  onChange: (files: PhotoFile[]) => void;
  max: number;
  /** The text under the plus sign. */
  label: string;
  /** A failed upload (not an abort). */
  onError: (e: unknown) => void;
  testId: string;
  labelClassName?: string;
  /** Also PDF documents (where the record takes them). */
  documents?: boolean;
}) {
  return (
    <Upload<{ items: Media[] }>
      listType="picture-card"
      accept={documents ? `${IMAGE_TYPES},application/pdf` : IMAGE_TYPES}
      multiple
      fileList={files}
      maxCount={max}
      onChange={({ fileList }) => onChange(fileList)}
      customRequest={({ file, onSuccess, onError: failed }) => {
        eventsApi.upload([file as File]).then(
          (r) => onSuccess?.(r),
          (e: unknown) => {
            if (!isAbort(e)) onError(e);
            failed?.(e as Error);
          },
        );
      }}
      data-testid={testId}
    >
      {files.length >= max ? null : (
        <div>
          <PlusOutlined />
          <div className={labelClassName}>{label}</div>
        </div>
      )}
    </Upload>
  );
}

/** The ids of the files that finished uploading. */
export function uploadedIds(files: readonly PhotoFile[]): number[] {
  return files.flatMap((f) => (f.status === 'done' ? (f.response?.items.map((m) => m.id) ?? []) : []));
}

export function stillUploading(files: readonly PhotoFile[]): boolean {
  return files.some((f) => f.status === 'uploading');
}
