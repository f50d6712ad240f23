// The two dialogs of an accountability item that take words: the unit's answer (its rectification report,
// with photos of its documents) and the judge's return of an answer that does not do (what is missing,
// and a new deadline). Both answer with the item as it now is; a 409 (someone else acted first) closes the
// dialog and reloads.
import { Alert, App, Form, Input, InputNumber, Modal, Typography } from 'antd';
import { useState } from 'react';
import {
  type AccountabilityItem,
  type AccountabilityItemDetail,
  type ItemActBody,
  indexApi,
} from '../../api/safetyIndex';
import { type PhotoFile, PhotoUpload, stillUploading, uploadedIds } from '../../components/PhotoUpload';
import { useI18n } from '../../i18n';
import { isConflict, useIndexErrorText } from './bits';
import { formatDateTime } from './model';

const MAX_DOCUMENTS = 9;
const DEFAULT_RETURN_DAYS = 10;

interface DialogProps {
  item: AccountabilityItem;
  title: string;
  onClose: () => void;
  /** The item after the action; undefined when it must be reloaded (a conflict). */
  onDone: (next: AccountabilityItemDetail | undefined) => void;
}

/** Sends one action on the item: busy while it runs, the error kept for the dialog, a conflict reloads. */
function useItemAction({ item, onDone }: Pick<DialogProps, 'item' | 'onDone'>) {
  const { message } = App.useApp();
  const errorText = useIndexErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (body: ItemActBody, done: string) => {
    setBusy(true);
    setError(null);
    try {
      const next = await indexApi.actOnItem(item.id, body);
      void message.success(done);
      onDone(next);
    } catch (e) {
      setError(errorText(e));
      if (isConflict(e)) onDone(undefined);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run, errorText };
}

export function AnswerDialog({ item, title, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const { busy, error, setError, run, errorText } = useItemAction({ item, onDone });
  const [text, setText] = useState('');
  const [files, setFiles] = useState<PhotoFile[]>([]);
  const [touched, setTouched] = useState(false);
  const submit = async () => {
    setTouched(true);
    if (!text.trim()) return;
    if (stillUploading(files)) {
      setError(t('indexadmin.acc.uploading'));
      return;
    }
    const mediaIds = uploadedIds(files);
    await run(
      {
        action: 'answer',
        version: item.version,
        text: text.trim(),
        ...(mediaIds.length ? { mediaIds } : {}),
      },
      t('indexadmin.acc.answered'),
    );
  };
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('indexadmin.acc.answerAction')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={560}
    >
      <Typography.Paragraph type="secondary">
        {t('indexadmin.acc.dueNote', { at: formatDateTime(item.dueAt) })}
      </Typography.Paragraph>
      <Input.TextArea
        className="ia-gap-bottom"
        rows={6}
        maxLength={5000}
        showCount
        value={text}
        status={touched && !text.trim() ? 'error' : undefined}
        onChange={(e) => setText(e.target.value)}
        placeholder={t('indexadmin.acc.answerPlaceholder')}
        data-testid="acc-answer-text"
      />
      {touched && !text.trim() && (
        <Typography.Text type="danger">{t('indexadmin.acc.answerRequired')}</Typography.Text>
      )}
      <Typography.Paragraph className="ia-gap-top" type="secondary">
        {t('indexadmin.acc.documents')} · {t('indexadmin.acc.documentsHint', { n: MAX_DOCUMENTS })}
      </Typography.Paragraph>
      <PhotoUpload
        files={files}
        onChange={setFiles}
        max={MAX_DOCUMENTS}
        label={t('indexadmin.acc.upload')}
        onError={(e) => setError(errorText(e))}
        testId="acc-upload"
        documents
      />
      {error && <Alert type="error" showIcon message={error} className="ia-gap-top" />}
    </Modal>
  );
}

export function GiveBackDialog({ item, title, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const { busy, error, run } = useItemAction({ item, onDone });
  const [form] = Form.useForm<{ reason: string; days: number }>();
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    await run(
      { action: 'return', version: item.version, text: values.reason.trim(), days: values.days },
      t('indexadmin.acc.givenBack'),
    );
  };
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('indexadmin.acc.giveBack')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={520}
    >
      {item.answer && (
        <div className="ia-answer-box ia-gap-bottom">
          <Typography.Text type="secondary">
            {t('indexadmin.acc.answeredAt', { at: formatDateTime(item.answeredAt) })}
          </Typography.Text>
          <Typography.Paragraph className="ia-answer" ellipsis={{ rows: 4, expandable: true }}>
            {item.answer}
          </Typography.Paragraph>
        </div>
      )}
      <Form form={form} layout="vertical" initialValues={{ days: DEFAULT_RETURN_DAYS }} requiredMark={false}>
        <Form.Item
          name="reason"
          label={t('indexadmin.acc.giveBackReason')}
          rules={[{ required: true, whitespace: true, message: t('indexadmin.acc.giveBackReasonRequired') }]}
        >
          <Input.TextArea
            rows={4}
            maxLength={5000}
            showCount
            placeholder={t('indexadmin.acc.giveBackPlaceholder')}
            data-testid="acc-return-reason"
          />
        </Form.Item>
        <Form.Item name="days" label={t('indexadmin.acc.giveBackDays')} rules={[{ required: true }]}>
          <InputNumber min={1} max={90} precision={0} data-testid="acc-return-days" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}
