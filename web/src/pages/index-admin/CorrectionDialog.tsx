// Correct one input of a computed run: the unit, the indicator, its value as collected (and as
// corrected before, if it was), the new value (or "missing") and the written reason the audit keeps.
// The server keeps the original and recomputes the run.
import { Alert, Checkbox, Descriptions, Form, Input, InputNumber, Modal, Select, Spin } from 'antd';
import { useMemo, useState } from 'react';
import { indexApi, type Run, type SchemeIndicator } from '../../api/safetyIndex';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { isConflict, useIndexErrorText } from './bits';
import { formatValue } from './model';

export interface CorrectionTarget {
  unitId?: number;
  indicator?: string;
}

export function CorrectionDialog({
  run,
  target,
  indicators,
  onClose,
  onCorrected,
  onConflict,
}: {
  run: Run;
  target: CorrectionTarget;
  indicators: readonly SchemeIndicator[];
  onClose: () => void;
  onCorrected: (run: Run) => void;
  onConflict: () => void | Promise<void>;
}) {
  const { t, lang } = useI18n();
  const errorText = useIndexErrorText();
  const [unitId, setUnitId] = useState<number | undefined>(target.unitId);
  const [indicator, setIndicator] = useState<string | undefined>(target.indicator);
  const [value, setValue] = useState<number | null>(null);
  const [missing, setMissing] = useState(false);
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const explained = useAsync(unitId ? () => indexApi.explain(run.id, unitId) : null, [
    run.id,
    unitId,
    run.version,
  ]);
  const input = explained.data?.indicators.find((i) => i.code === indicator);
  const earlier = run.corrections.find((c) => c.unitId === unitId && c.indicator === indicator);
  const unitOptions = useMemo(
    () =>
      [...run.results]
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((r) => ({ value: r.unitId, label: `${r.name}  ${r.code}` })),
    [run.results],
  );
  const indicatorOptions = indicators.map((i) => ({
    value: i.code,
    label: `${lang === 'en' ? i.name.en : i.name.zh} (${i.code})`,
  }));

  const reasonOk = reason.trim().length > 0;
  const valueOk = missing || (value !== null && Number.isFinite(value));
  const ready = unitId !== undefined && indicator !== undefined && reasonOk && valueOk;

  const submit = async () => {
    setTouched(true);
    if (!ready || unitId === undefined || indicator === undefined) return;
    setBusy(true);
    setError(null);
    try {
      const r = await indexApi.correct(run.id, {
        unitId,
        indicator,
        value: missing ? null : value,
        reason: reason.trim(),
        version: run.version,
      });
      onCorrected(r);
    } catch (e) {
      if (isConflict(e)) {
        setError(errorText(e));
        await onConflict();
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('indexadmin.correct.title')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('indexadmin.correct.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={560}
      destroyOnHidden
    >
      <Form layout="vertical" data-testid="correction-form" className="ia-correct-form">
        <Form.Item
          label={t('indexadmin.correct.unit')}
          required
          validateStatus={touched && unitId === undefined ? 'error' : undefined}
          help={touched && unitId === undefined ? t('indexadmin.correct.pickUnit') : undefined}
        >
          <Select
            showSearch
            optionFilterProp="label"
            value={unitId}
            options={unitOptions}
            onChange={(v) => setUnitId(v)}
            placeholder={t('indexadmin.correct.pickUnit')}
            data-testid="correction-unit"
          />
        </Form.Item>
        <Form.Item
          label={t('indexadmin.correct.indicator')}
          required
          validateStatus={touched && indicator === undefined ? 'error' : undefined}
          help={touched && indicator === undefined ? t('indexadmin.correct.pickIndicator') : undefined}
        >
          <Select
            showSearch
            optionFilterProp="label"
            value={indicator}
            options={indicatorOptions}
            onChange={(v) => setIndicator(v)}
            placeholder={t('indexadmin.correct.pickIndicator')}
            data-testid="correction-indicator"
          />
        </Form.Item>
        {unitId !== undefined && indicator !== undefined && (
          <Spin spinning={explained.loading}>
            <Descriptions
              size="small"
              column={2}
              bordered
              className="ia-gap-bottom"
              data-testid="correction-current"
            >
              <Descriptions.Item label={t('indexadmin.correct.current')}>
                <strong>{formatValue(input?.input)}</strong>
              </Descriptions.Item>
              <Descriptions.Item label={t('indexadmin.correct.original')}>
                {formatValue(earlier ? earlier.original : input?.input)}
              </Descriptions.Item>
              <Descriptions.Item label={t('indexadmin.correct.source')} span={2}>
                <code>{input?.source ?? '—'}</code>
              </Descriptions.Item>
            </Descriptions>
          </Spin>
        )}
        <Form.Item
          label={t('indexadmin.correct.value')}
          required
          validateStatus={touched && !valueOk ? 'error' : undefined}
          help={touched && !valueOk ? t('indexadmin.correct.valueRequired') : undefined}
        >
          <div className="ia-inline">
            <InputNumber
              value={value}
              disabled={missing}
              onChange={(v) => setValue(typeof v === 'number' ? v : null)}
              style={{ width: 180 }}
              data-testid="correction-value"
            />
            <Checkbox checked={missing} onChange={(e) => setMissing(e.target.checked)}>
              {t('indexadmin.correct.missing')}
            </Checkbox>
          </div>
        </Form.Item>
        <Form.Item
          label={t('indexadmin.correct.reason')}
          required
          validateStatus={touched && !reasonOk ? 'error' : undefined}
          help={touched && !reasonOk ? t('indexadmin.correct.reasonRequired') : undefined}
        >
          <Input.TextArea
            rows={3}
            maxLength={500}
            showCount
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('indexadmin.correct.reasonPlaceholder')}
            data-testid="correction-reason"
          />
        </Form.Item>
      </Form>
      <Alert type="info" showIcon message={t('indexadmin.correct.audited')} />
      {error && (
        <Alert type="error" showIcon message={error} className="ia-gap-top" data-testid="correction-error" />
      )}
    </Modal>
  );
}
