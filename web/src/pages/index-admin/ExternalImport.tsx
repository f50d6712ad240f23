// Import external values (警情, fires, road deaths, 信访, survey rates …) for a month: paste a block
// (CSV, or cells copied from Excel) or choose a CSV file; it is read and checked in the browser, and
// sent all or nothing. The rows the server refuses (a unit unknown or outside your scope) come back
// in a table, by the line of the file.
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  CloudUploadOutlined,
  FileTextOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { ExternalRowsRejected, indexApi } from '../../api/safetyIndex';
import { type MessageKey, useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useIndexErrorText } from './bits';
import {
  type CsvProblem,
  externalCodes,
  lastMonth,
  localMonth,
  problemLines,
  readExternalCsv,
  rowProblem,
} from './model';

const SAMPLE =
  'unitCode,indicator,value,source\n330304001,police_incidents,12,公安分局\n330304001,awareness_rate,0.962,统计局调查';

export function ExternalImport({ onBack }: { onBack: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const errorText = useIndexErrorText();
  const now = useMemo(() => new Date(), []);
  const [period, setPeriod] = useState(() => lastMonth(now));
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [defaultSource, setDefaultSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [rejected, setRejected] = useState<{ line: number; row: number; message: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [imported, setImported] = useState<number | null>(null);
  const scheme = useAsync(() => indexApi.scheme('default'), []);
  const known = useMemo(() => new Set(externalCodes(scheme.data?.body)), [scheme.data]);

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
          />
        </Form.Item>
        <Form.Item>
          <Upload
            accept=".csv,.txt,text/csv"
            showUploadList={false}
            beforeUpload={(file) => {
              void file.text().then((s) => {
                setFileName(file.name);
                change(s);
              });
              return false;
            }}
          >
            <Button icon={<FileTextOutlined />}>{t('indexadmin.import.upload')}</Button>
          </Upload>
        </Form.Item>
        {fileName && (
          <Form.Item>
            <Tag>{fileName}</Tag>
          </Form.Item>
        )}
      </Form>
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
        onChange={(e) => {
          setFileName(null);
          change(e.target.value);
        }}
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
          <Table
            data-testid="import-rejected"
            size="small"
            rowKey={(p) => `${p.row}:${p.message}`}
            dataSource={rejected}
            pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
            columns={[
              { key: 'line', title: t('indexadmin.import.line'), dataIndex: 'line', width: 80 },
              {
                key: 'message',
                title: t('indexadmin.import.problem'),
                render: (_, p) => {
                  const known = rowProblem(p.message);
                  return known ? t(`indexadmin.import.server.${known.code}`, { code: known.arg }) : p.message;
                },
              },
            ]}
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
    </Card>
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
