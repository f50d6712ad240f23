// Import places from CSV or Excel: choose the file, a dry run checks it (and says what would be
// registered or updated), then the import itself. Every defect of a refused file is listed row by row
// (the 422 problem's errors, as {row, column, code, message}); nothing is stored unless all rows are right.
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Modal, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { isApiError } from '../../api/client';
import { type PlaceImportResult, placesApi, type RowError } from '../../api/hazards';
import { useI18n } from '../../i18n';

/** The row errors of a refused import (422 hazards.import_invalid), or none. */
export function rowErrorsOf(e: unknown): RowError[] {
  if (!isApiError(e, 422) || !Array.isArray(e.errors)) return [];
  return e.errors.filter(
    (x): x is RowError => typeof x === 'object' && x !== null && 'row' in x && 'message' in x,
  );
}

export function ImportModal({ onClose }: { onClose: (imported: boolean) => void }) {
  const { t, errorText } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [update, setUpdate] = useState(false);
  const [busy, setBusy] = useState<'check' | 'run' | null>(null);
  const [result, setResult] = useState<PlaceImportResult | null>(null);
  const [rows, setRows] = useState<RowError[]>([]);
  const [error, setError] = useState<string | null>(null);

  const go = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'check' : 'run');
    setError(null);
    setRows([]);
    setResult(null);
    try {
      const r = await placesApi.import(file, { dryRun, onExisting: update ? 'update' : 'refuse' });
      setResult(r);
    } catch (e) {
      const errs = rowErrorsOf(e);
      setRows(errs);
      setError(errs.length > 0 ? t('places.import.errors', { n: errs.length }) : errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Modal
      open
      width={760}
      title={t('places.import.title')}
      onCancel={() => onClose(result !== null && !result.dryRun)}
      footer={
        <Space>
          <Button
            onClick={() => void go(true)}
            disabled={!file}
            loading={busy === 'check'}
            data-testid="import-check"
          >
            {t('places.import.check')}
          </Button>
          <Button
            type="primary"
            onClick={() => void go(false)}
            disabled={!file}
            loading={busy === 'run'}
            data-testid="import-run"
          >
            {t('places.import.run')}
          </Button>
        </Space>
      }
      data-testid="places-import-modal"
    >
      <Typography.Paragraph type="secondary">{t('places.import.help')}</Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        maxCount={1}
        beforeUpload={(f) => {
          setFile(f);
          setResult(null);
          setRows([]);
          setError(null);
          return false;
        }}
        onRemove={() => setFile(null)}
        data-testid="import-file"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>{t('places.import.choose')}</p>
      </Upload.Dragger>
      <Checkbox checked={update} onChange={(e) => setUpdate(e.target.checked)} style={{ marginTop: 12 }}>
        {t('places.import.update')}
      </Checkbox>
      {result && (
        <Alert
          style={{ marginTop: 12 }}
          type="success"
          showIcon
          data-testid="import-result"
          message={
            result.dryRun
              ? t('places.import.checked', {
                  rows: result.rows,
                  created: result.created,
                  updated: result.updated,
                })
              : t('places.import.done', { created: result.created, updated: result.updated })
          }
          description={
            result.ignoredColumns.length > 0
              ? t('places.import.ignored', { cols: result.ignoredColumns.join('、') })
              : undefined
          }
        />
      )}
      {error && (
        <Alert style={{ marginTop: 12 }} type="error" showIcon message={error} data-testid="import-error" />
      )}
      {rows.length > 0 && (
        <Table<RowError>
          className="places-import-errors"
          size="small"
          rowKey={(r, i) => `${r.row}-${r.column}-${i}`}
          dataSource={rows}
          pagination={rows.length > 10 ? { pageSize: 10, size: 'small' } : false}
          data-testid="import-errors"
          columns={[
            { key: 'row', title: t('places.import.row'), dataIndex: 'row', width: 60 },
            {
              key: 'column',
              title: t('places.import.column'),
              dataIndex: 'column',
              width: 120,
              render: (c) => c ?? '—',
            },
            { key: 'code', title: t('places.import.code'), dataIndex: 'code', width: 160 },
            { key: 'message', title: t('places.import.message'), dataIndex: 'message' },
          ]}
        />
      )}
    </Modal>
  );
}
