// The chosen category's extra questions: text, number, date, single or multiple choice; required ones marked.
import { Checkbox, Input, InputNumber, Radio } from 'antd';
import type { AnswerValue } from '../../api/events';
import { useI18n } from '../../i18n';
import { bilingual } from './context';
import type { Question } from './taps';

export function QuestionFields({
  questions,
  answers,
  onChange,
  missing,
}: {
  questions: readonly Question[];
  answers: Readonly<Record<string, AnswerValue | undefined>>;
  onChange: (code: string, value: AnswerValue | undefined) => void;
  missing: readonly string[];
}) {
  const { t, lang } = useI18n();
  if (questions.length === 0) return null;
  const sorted = [...questions].sort((a, b) => a.order - b.order);
  return (
    <section className="report-questions" data-testid="report-questions">
      {sorted.map((q) => {
        const id = `q-${q.code}`;
        const value = answers[q.code];
        const label = bilingual(lang, q.label);
        return (
          <div key={q.code} className="report-field" data-question={q.code}>
            <label className="report-label" htmlFor={id}>
              {label}
              {q.required ? (
                <span className="report-required">*</span>
              ) : (
                <span className="report-label-hint">{t('report.optional')}</span>
              )}
            </label>
            {q.help && <div className="report-note">{bilingual(lang, q.help)}</div>}
            {q.type === 'text' && (
              <Input
                id={id}
                value={typeof value === 'string' ? value : ''}
                maxLength={1000}
                onChange={(e) => onChange(q.code, e.target.value)}
              />
            )}
            {q.type === 'number' && (
              <InputNumber
                id={id}
                inputMode="decimal"
                className="report-number"
                value={typeof value === 'number' ? value : null}
                onChange={(v) => onChange(q.code, typeof v === 'number' ? v : undefined)}
              />
            )}
            {q.type === 'date' && (
              // the phone's own date picker: no calendar widget to carry
              <Input
                id={id}
                type="date"
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => onChange(q.code, e.target.value)}
              />
            )}
            {q.type === 'single_choice' && (
              <Radio.Group
                id={id}
                optionType="button"
                buttonStyle="solid"
                className="report-choice"
                value={typeof value === 'string' ? value : undefined}
                options={(q.values ?? []).map((v) => ({ value: v.code, label: bilingual(lang, v.label) }))}
                onChange={(e) => onChange(q.code, e.target.value as string)}
              />
            )}
            {q.type === 'multi_choice' && (
              <Checkbox.Group
                className="report-choice"
                value={Array.isArray(value) ? value : []}
                options={(q.values ?? []).map((v) => ({ value: v.code, label: bilingual(lang, v.label) }))}
                onChange={(v) => onChange(q.code, v as string[])}
              />
            )}
            {missing.includes(q.code) && (
              <div className="report-error-text">{t('report.error.required', { field: label })}</div>
            )}
          </div>
        );
      })}
    </section>
  );
}
