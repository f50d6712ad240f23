// Import external values (警情, fires, road deaths, 信访, survey rates …) for a month, all or nothing.
// A file (CSV in any Chinese encoding, or Excel .xlsx; long or wide layout) is read by the server: a dry
// run first shows what would be imported (format, layout, indicators, units, values), then "Import"
// writes it; every defect comes back by spreadsheet row and column. A block pasted from Excel (or CSV
// text) is read and checked in the browser and sent as rows.
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  CloudUploadOutlined,
  FileExcelOutlined,
  InboxOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Segmented,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  type ExternalFileResult,
  type ExternalProblem,
  ExternalRowsRejected,
  indexApi,
  type SchemeBody,
} from '../../api/safetyIndex';
import { type MessageKey, useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useIndexErrorText } from './bits';
import {
  type CsvProblem,
  externalCodes,
  fileFormatText,
  lastMonth,
  localMonth,
  problemLines,
  readExternalCsv,
  rowProblem,
} from './model';

const SAMPLE =
  'unitCode,indicator,value,source\n330304001,police_incidents,12,公安分局\n330304001,awareness_rate,0.962,统计局调查';
const FILE_TYPES =
  '.csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Mode = 'file' | 'paste';

export function ExternalImport({ onBack }: { onBack: () => void }) {
  const { t } = useI18n();
  const now = useMemo(() => new Date(), []);
  const [period, setPeriod] = useState(() => lastMonth(now));
  const [defaultSource, setDefaultSource] = useState('');
  const [mode, setMode] = useState<Mode>('file');
  const scheme = useAsync(() => indexApi.scheme('default'), []);

  return (
    <Card
      className="page-card ia-card"
      data-testid="external-import"
      title={
        <Space>
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack}>
            {t('indexadmin.back')}
          </Button>
          <span>{t('indexadmin.import.title')}</span>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('indexadmin.import.intro')}</Typography.Paragraph>
      <Form layout="inline" className="ia-import-head">
        <Form.Item label={t('indexadmin.import.period')}>
          <DatePicker
            picker="month"
            allowClear={false}
            value={dayjs(`${period}-01`)}
            disabledDate={(d: Dayjs) => d.format('YYYY-MM') > localMonth(now)}
            onChange={(d) => d && setPeriod(d.format('YYYY-MM'))}
            data-testid="import-period"
          />
        </Form.Item>
        <Form.Item label={t('indexadmin.import.source')}>
          <Input
            value={defaultSource}
            onChange={(e) => setDefaultSource(e.target.value)}
            placeholder={t('indexadmin.import.sourcePlaceholder')}
            maxLength={100}
            style={{ width: 200 }}
            data-testid="import-source"
          />
        </Form.Item>
        <Form.Item>
          <Segmented<Mode>
            value={mode}
            onChange={setMode}
            data-testid="import-mode"
            options={[
              { value: 'file', label: t('indexadmin.import.mode.file') },
              { value: 'paste', label: t('indexadmin.import.mode.paste') },
            ]}
          />
        </Form.Item>
      </Form>
      {mode === 'file' ? (
        <FileImport period={period} defaultSource={defaultSource} scheme={scheme.data?.body} />
      ) : (
        <PasteImport period={period} defaultSource={defaultSource} scheme={scheme.data?.body} />
      )}
    </Card>
  );
}

/** The server's words for a defect, in the user's language when they are known words. */
function useProblemText(): (message: string) => string {
  const { t } = useI18n();
  return useCallback(
    (message: string) => {
      const known = rowProblem(message);
      return known ? t(`indexadmin.import.server.${known.code}` as MessageKey, { code: known.arg }) : message;
    },
    [t],
  );
}

type FileState =
  | { step: 'none' }
  | { step: 'checking' }
  | { step: 'checked'; result: ExternalFileResult }
  | { step: 'importing'; result: ExternalFileResult }
  | { step: 'done'; result: ExternalFileResult }
  | { step: 'rejected'; problems: ExternalProblem[]; count: number }
  | { step: 'failed'; text: string };

function FileImport({
  period,
  defaultSource,
  scheme,
}: {
  period: string;
  defaultSource: string;
  scheme: SchemeBody | undefined;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const errorText = useIndexErrorText();
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<FileState>({ step: 'none' });
  const asked = useRef(0);
  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const i of scheme?.indicators ?? [])
      if (i.source.startsWith('external:'))
        m.set(i.source.slice('external:'.length), lang === 'en' ? i.name.en : i.name.zh);
    return m;
  }, [scheme, lang]);

  const send = useCallback(
    async (dryRun: boolean) => {
      if (!file) return;
      const ask = ++asked.current;
      setState((s) =>
        dryRun || s.step !== 'checked' ? { step: 'checking' } : { step: 'importing', result: s.result },
      );
      try {
        const result = await indexApi.importExternalFile(file, { period, source: defaultSource, dryRun });
        if (ask !== asked.current) return;
        setState({ step: dryRun ? 'checked' : 'done', result });
        if (!dryRun)
          void message.success(
            t('indexadmin.import.fileDone', { n: result.imported, period, units: result.units }),
          );
      } catch (e) {
        if (ask !== asked.current) return;
        if (e instanceof ExternalRowsRejected)
          setState({ step: 'rejected', problems: e.problems, count: e.problemCount });
        else setState({ step: 'failed', text: errorText(e) });
      }
    },
    [file, period, defaultSource, message, t, errorText],
  );

  // a chosen file (or another month) is checked at once: a dry run, nothing written
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check on a new file or month only, not on typing the source
  useEffect(() => {
    if (file) void send(true);
  }, [file, period]);

  const checked = state.step === 'checked' || state.step === 'importing' ? state.result : null;
  return (
    <div data-testid="import-file-mode">
      <Typography.Paragraph type="secondary" className="ia-format">
        {t('indexadmin.import.fileFormat')}
      </Typography.Paragraph>
      <Upload.Dragger
        accept={FILE_TYPES}
        multiple={false}
        showUploadList={false}
        beforeUpload={(f) => {
          setFile(f);
          return false;
        }}
        className="ia-dropzone"
        data-testid="import-file"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('indexadmin.import.upload')}</p>
        <p className="ant-upload-hint">CSV · Excel .xlsx</p>
      </Upload.Dragger>
      <div className="ia-file-line">
        {file ? (
          <Tag icon={<FileExcelOutlined />} data-testid="import-file-name">
            {file.name} · {(file.size / 1024).toFixed(1)} KB
          </Tag>
        ) : (
          <Typography.Text type="secondary">{t('indexadmin.import.noFile')}</Typography.Text>
        )}
        {file && state.step !== 'checking' && state.step !== 'importing' && (
          <Button size="small" icon={<ReloadOutlined />} onClick={() => void send(true)}>
            {t('indexadmin.import.recheck')}
          </Button>
        )}
      </div>

      {state.step === 'checking' && (
        <div className="ia-gap-top">
          <Spin size="small" />{' '}
          <Typography.Text type="secondary">{t('indexadmin.import.checking')}</Typography.Text>
        </div>
      )}
      {checked && (
        <Alert
          type="success"
          showIcon
          className="ia-gap-top"
          data-testid="import-dry-run"
          message={t('indexadmin.import.dryRunOk', { n: checked.imported, period })}
          description={
            <>
              <Descriptions
                size="small"
                column={2}
                className="ia-dry-run"
                items={[
                  {
                    key: 'format',
                    label: t('indexadmin.import.fileType'),
                    children: fileFormatText(checked.format, checked.encoding),
                  },
                  {
                    key: 'layout',
                    label: t('indexadmin.import.layout'),
                    children: t(`indexadmin.import.layout.${checked.layout}`),
                  },
                  {
                    key: 'units',
                    label: t('indexadmin.import.units'),
                    children: t('indexadmin.import.unitCount', { n: checked.units }),
                  },
                  { key: 'values', label: t('indexadmin.import.values'), children: checked.imported },
                  {
                    key: 'indicators',
                    label: t('indexadmin.import.indicators'),
                    span: 2,
                    children: (
                      <span data-testid="import-dry-run-indicators">
                        {checked.indicators.map((c) => (
                          <Tag key={c} className="ia-tag-tight">
                            {names.get(c) ? `${names.get(c)} ` : ''}
                            <code>{c}</code>
                          </Tag>
                        ))}
                      </span>
                    ),
                  },
                ]}
              />
              <Typography.Text type="secondary">{t('indexadmin.import.dryRunNote')}</Typography.Text>
            </>
          }
        />
      )}
      {state.step === 'rejected' && (
        <>
          <Alert
            type="error"
            showIcon
            className="ia-gap-top"
            data-testid="import-file-rejected"
            message={t('indexadmin.import.fileProblems', { n: state.count })}
            description={
              state.count > state.problems.length
                ? t('indexadmin.import.fileProblemsShown', { shown: state.problems.length })
                : undefined
            }
          />
          <ServerProblems problems={state.problems} testId="import-file-problems" />
        </>
      )}
      {state.step === 'failed' && (
        <Alert type="error" showIcon className="ia-gap-top" message={state.text} data-testid="import-error" />
      )}
      {state.step === 'done' && (
        <Alert
          type="success"
          showIcon
          icon={<CheckCircleOutlined />}
          className="ia-gap-top"
          data-testid="import-done"
          message={t('indexadmin.import.fileDone', {
            n: state.result.imported,
            period,
            units: state.result.units,
          })}
        />
      )}
      {state.step !== 'done' && (
        <div className="ia-actions">
          <Button
            type="primary"
            icon={<CloudUploadOutlined />}
            loading={state.step === 'importing'}
            disabled={!checked}
            onClick={() => void send(false)}
            data-testid="import-file-submit"
          >
            {t('indexadmin.import.fileSubmit', { n: checked?.imported ?? 0 })}
          </Button>
        </div>
      )}
    </div>
  );
}

/** The defects the server found, by row (and column when it names one). */
function ServerProblems({
  problems,
  testId,
  rowTitle,
}: {
  problems: (ExternalProblem & { line?: number })[];
  testId: string;
  rowTitle?: string;
}) {
  const { t } = useI18n();
  const text = useProblemText();
  return (
    <Table
      data-testid={testId}
      size="small"
      rowKey="key"
      dataSource={problems.map((p, i) => ({ ...p, key: i }))}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      columns={[
        {
          key: 'row',
          title: rowTitle ?? t('indexadmin.import.row'),
          width: 72,
          render: (_, p) => p.line ?? p.row,
        },
        {
          key: 'column',
          title: t('indexadmin.import.column'),
          width: 160,
          render: (_, p) => (p.column ? <code>{p.column}</code> : <span className="ia-muted">—</span>),
        },
        { key: 'message', title: t('indexadmin.import.problem'), render: (_, p) => text(p.message) },
      ]}
    />
  );
}

function PasteImport({
  period,
  defaultSource,
  scheme,
}: {
  period: string;
  defaultSource: string;
  scheme: SchemeBody | undefined;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const errorText = useIndexErrorText();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [rejected, setRejected] = useState<(ExternalProblem & { line: number })[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [imported, setImported] = useState<number | null>(null);
  const known = useMemo(() => new Set(externalCodes(scheme)), [scheme]);

  const parsed = useMemo(
    () => (text.trim() ? readExternalCsv(text, defaultSource) : null),
    [text, defaultSource],
  );
  const unknown = useMemo(
    () =>
      parsed && known.size
        ? [...new Set(parsed.rows.map((r) => r.indicator))].filter((c) => !known.has(c))
        : [],
    [parsed, known],
  );

  const change = (v: string) => {
    setText(v);
    setRejected(null);
    setError(null);
    setImported(null);
  };
  const submit = async () => {
    if (!parsed || parsed.problems.length || !parsed.rows.length) return;
    setBusy(true);
    setRejected(null);
    setError(null);
    try {
      const r = await indexApi.importExternal(period, parsed.rows);
      setImported(r.imported);
      void message.success(t('indexadmin.import.done', { n: r.imported, period }));
    } catch (e) {
      if (e instanceof ExternalRowsRejected) setRejected(problemLines(e.problems, parsed.lines));
      else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="import-paste-mode">
      <Typography.Text type="secondary" className="ia-format">
        {t('indexadmin.import.format')}
        {known.size > 0 && (
          <>
            <br />
            {t('indexadmin.import.schemeCodes')}
            {[...known].map((c) => (
              <code key={c} className="ia-code-chip">
                {c}
              </code>
            ))}
          </>
        )}
      </Typography.Text>
      <Input.TextArea
        value={text}
        onChange={(e) => change(e.target.value)}
        rows={8}
        placeholder={SAMPLE}
        className="ia-csv"
        data-testid="import-text"
        spellCheck={false}
      />

      {parsed && parsed.problems.length > 0 && (
        <>
          <Alert
            type="error"
            showIcon
            className="ia-gap-top"
            message={t('indexadmin.import.problems', { n: parsed.problems.length })}
          />
          <ProblemTable problems={parsed.problems} />
        </>
      )}
      {parsed && parsed.problems.length === 0 && !rejected && (
        <Alert
          type={unknown.length ? 'warning' : 'success'}
          showIcon
          className="ia-gap-top"
          data-testid="import-checked"
          message={t('indexadmin.import.rows', { n: parsed.rows.length, period })}
          description={
            unknown.length
              ? t('indexadmin.import.unknownIndicator', { codes: unknown.join(', ') })
              : undefined
          }
        />
      )}
      {rejected && (
        <>
          <Alert
            type="error"
            showIcon
            className="ia-gap-top"
            message={t('indexadmin.import.serverProblems', { n: rejected.length })}
          />
          <ServerProblems
            problems={rejected}
            testId="import-rejected"
            rowTitle={t('indexadmin.import.line')}
          />
        </>
      )}
      {error && <Alert type="error" showIcon className="ia-gap-top" message={error} />}
      {imported !== null && (
        <Alert
          type="success"
          showIcon
          icon={<CheckCircleOutlined />}
          className="ia-gap-top"
          data-testid="import-done"
          message={t('indexadmin.import.done', { n: imported, period })}
        />
      )}
      <div className="ia-actions">
        <Button
          type="primary"
          icon={<CloudUploadOutlined />}
          loading={busy}
          disabled={!parsed || parsed.problems.length > 0 || parsed.rows.length === 0}
          onClick={() => void submit()}
          data-testid="import-submit"
        >
          {t('indexadmin.import.submit', { n: parsed?.rows.length ?? 0 })}
        </Button>
      </div>
    </div>
  );
}

function ProblemTable({ problems }: { problems: CsvProblem[] }) {
  const { t } = useI18n();
  return (
    <Table
      data-testid="import-problems"
      size="small"
      rowKey="key"
      dataSource={problems.map((p, i) => ({ ...p, key: i }))}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      columns={[
        { key: 'line', title: t('indexadmin.import.line'), dataIndex: 'line', width: 80 },
        {
          key: 'problem',
          title: t('indexadmin.import.problem'),
          render: (_, p) => t(`indexadmin.csv.${p.code}` as MessageKey),
        },
        {
          key: 'text',
          title: t('indexadmin.import.text'),
          render: (_, p) => (p.text ? <code>{p.text}</code> : null),
        },
      ]}
    />
  );
}
