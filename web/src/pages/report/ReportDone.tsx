// After the submit: the tracking number, big and copyable, and where the report went; or, on a weak
// network, the promise that it waits on this device and goes by itself.
import { CheckCircleFilled, CloudUploadOutlined, CopyOutlined } from '@ant-design/icons';
import { App as AntApp, Button } from 'antd';
import type { CreatedEvent } from '../../api/events';
import { useI18n } from '../../i18n';
import { navigate } from '../../router/router';
import { bilingual, useReport } from './context';

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // older web views: a selected, hidden text area
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

export function TrackingNo({ no, big }: { no: string; big?: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  return (
    <span className={big ? 'report-tracking big' : 'report-tracking'}>
      <span className="report-tracking-no" data-testid="tracking-no">
        {no}
      </span>
      <Button
        size={big ? 'middle' : 'small'}
        icon={<CopyOutlined />}
        data-testid="copy-tracking"
        onClick={() =>
          void copyText(no).then((ok) =>
            ok ? message.success(t('report.copied')) : message.info(t('report.copyManually')),
          )
        }
      >
        {big ? t('report.copy') : null}
      </Button>
    </span>
  );
}

export function ReportDone({
  done,
  onAgain,
}: {
  done: { kind: 'sent'; event: CreatedEvent } | { kind: 'waiting' };
  onAgain: () => void;
}) {
  const { t, lang } = useI18n();
  const { user, outbox } = useReport();

  if (done.kind === 'waiting') {
    return (
      <div className="report-done" data-testid="report-waiting">
        <CloudUploadOutlined className="report-done-icon waiting" />
        <h2>{t('report.done.waitingTitle')}</h2>
        <p>{t('report.done.waitingBody')}</p>
        <p className="report-note" data-testid="waiting-state">
          {outbox.waiting > 0 ? t('report.waiting', { n: outbox.waiting }) : t('report.done.sentSince')}
        </p>
        <div className="report-done-actions">
          <Button type="primary" size="large" block onClick={onAgain} data-testid="done-again">
            {t('report.done.again')}
          </Button>
        </div>
      </div>
    );
  }

  const e = done.event;
  const place = e.place.map((u) => u.name).join(' › ');
  return (
    <div className="report-done" data-testid="report-done">
      <CheckCircleFilled className="report-done-icon" />
      <h2>{t('report.done.title')}</h2>
      <div className="report-label">{t('report.trackingNo')}</div>
      <TrackingNo no={e.trackingNo} big />
      <dl className="report-done-facts">
        <dt>{t('report.category')}</dt>
        <dd>{bilingual(lang, e.category.name)}</dd>
        {place && (
          <>
            <dt>{t('report.done.place')}</dt>
            <dd data-testid="done-place">{place}</dd>
          </>
        )}
        {e.route && (
          <>
            <dt>{t('report.done.route')}</dt>
            <dd>{e.route.name}</dd>
          </>
        )}
      </dl>
      <p className="report-note">{user ? t('report.done.followAccount') : t('report.done.followDevice')}</p>
      <div className="report-done-actions">
        <Button
          size="large"
          block
          onClick={() => {
            onAgain();
            navigate(`/report/mine/${e.id}`);
          }}
          data-testid="done-view"
        >
          {t('report.done.view')}
        </Button>
        <Button type="primary" size="large" block onClick={onAgain} data-testid="done-again">
          {t('report.done.again')}
        </Button>
      </div>
    </div>
  );
}
