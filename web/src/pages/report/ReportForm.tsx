// The report form. The shortest path (a grid worker's everyday report) is: tap the photo button, type what
// is wrong, tap submit. The place comes from the device (or the photo), the category is guessed from the
// description and shown as chosen; everything else is optional or asked only when the category needs it.
import { SendOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Switch } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AnswerValue, CreatedEvent, CreateEventInput } from '../../api/events';
import { eventsApi } from '../../api/events';
import { useI18n } from '../../i18n';
import { CategoryField } from './CategoryField';
import { isFieldStaff, mayReportAnonymously, useReport } from './context';
import { LocationField } from './LocationField';
import { isRetryable, newEntry, newKey, type PendingFile } from './outbox';
import { MAX_PHOTOS, type Photo, PhotoPicker } from './PhotoPicker';
import { QuestionFields } from './QuestionFields';
import { ReportDone } from './ReportDone';
import {
  cleanAnswers,
  isReportable,
  type LngLat,
  localSuggest,
  missingRequired,
  preselect,
  resolveLocation,
} from './taps';
import { useGeolocation } from './useGeolocation';

const MAX_DESCRIPTION = 2000;
const PHONE = /^\+?[0-9-]{5,20}$/;
/** How long a submit waits for photos still uploading before it sends them with the report instead. */
const UPLOAD_WAIT_MS = 10_000;
const SUGGEST_DELAY_MS = 300;

type Done = { kind: 'sent'; event: CreatedEvent } | { kind: 'waiting' };
type Errors = Partial<
  Record<'description' | 'category' | 'location' | 'behalfName' | 'behalfPhone' | 'submit', string>
>;

export function ReportForm() {
  const { t, errorText } = useI18n();
  const { user, outbox, categories, byCode } = useReport();
  const geo = useGeolocation();
  const byCodeRef = useRef(byCode);
  byCodeRef.current = byCode;

  const [photos, setPhotosState] = useState<Photo[]>([]);
  const photosRef = useRef<Photo[]>([]);
  const uploads = useRef(new Set<Promise<void>>());
  const [description, setDescription] = useState('');
  const [category, setCategory] = useState<{ code: string | null; byUser: boolean }>({
    code: null,
    byUser: false,
  });
  const [suggestions, setSuggestions] = useState<{ code: string }[]>([]);
  const [suggesting, setSuggesting] = useState(false);
  const [answers, setAnswers] = useState<Record<string, AnswerValue | undefined>>({});
  const [anonymous, setAnonymous] = useState(false);
  const [behalf, setBehalf] = useState({ open: false, name: '', phone: '' });
  const [address, setAddress] = useState('');
  const [pin, setPin] = useState<LngLat | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);

  const setPhotos = useCallback((fn: (p: Photo[]) => Photo[]) => {
    photosRef.current = fn(photosRef.current);
    setPhotosState(photosRef.current);
  }, []);
  const patchPhotos = useCallback(
    (ids: readonly string[], patch: (p: Photo, i: number) => Partial<Photo>) =>
      setPhotos((list) =>
        list.map((p) => (ids.includes(p.id) ? { ...p, ...patch(p, ids.indexOf(p.id)) } : p)),
      ),
    [setPhotos],
  );

  // upload as soon as chosen: the answer brings the EXIF location, and the submit has less to wait for
  const addFiles = (files: File[]) => {
    const room = MAX_PHOTOS - photosRef.current.length;
    const batch: Photo[] = files.slice(0, room).map((file) => ({
      id: newKey(),
      file,
      preview: URL.createObjectURL(file),
      status: 'uploading',
    }));
    if (batch.length === 0) return;
    setPhotos((list) => [...list, ...batch]);
    const ids = batch.map((b) => b.id);
    const job = eventsApi
      .upload(batch.map((b) => b.file))
      .then(({ items }) =>
        patchPhotos(ids, (_p, i) => (items[i] ? { status: 'done', media: items[i] } : { status: 'waiting' })),
      )
      .catch((e: unknown) =>
        patchPhotos(ids, () =>
          isRetryable(e) ? { status: 'waiting' } : { status: 'error', error: errorText(e) },
        ),
      )
      .finally(() => uploads.current.delete(job));
    uploads.current.add(job);
  };

  const removePhoto = (id: string) =>
    setPhotos((list) => {
      const p = list.find((x) => x.id === id);
      if (p) URL.revokeObjectURL(p.preview);
      return list.filter((x) => x.id !== id);
    });

  // guess the category from the description while typing; offline, guess on the cached tree
  useEffect(() => {
    const text = description.trim();
    if (text.length < 2) {
      setSuggestions([]);
      return;
    }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      setSuggesting(true);
      eventsApi
        .suggest(text, ctrl.signal)
        .then((r) =>
          r.items.filter((i) => {
            const c = byCodeRef.current.get(i.code);
            return !c || isReportable(c, [...byCodeRef.current.values()]);
          }),
        )
        .catch((e: unknown) => {
          if (ctrl.signal.aborted) throw e;
          return localSuggest(text, categories);
        })
        .then((items) => {
          setSuggestions(items);
          setCategory((c) => ({ ...c, code: preselect(c, items) }));
          setSuggesting(false);
        })
        .catch(() => {});
    }, SUGGEST_DELAY_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [description, categories]);

  const chosen = category.code ? byCode.get(category.code) : undefined;
  const questions = chosen?.questions ?? [];
  const photoPlaces = photos.map((p) => p.media?.location);
  const location = resolveLocation({ pin, gps: geo.position, photos: photoPlaces });
  const photosPending = photos.some((p) => p.status === 'uploading' || p.status === 'waiting');
  const field = isFieldStaff(user);
  const mayHide = mayReportAnonymously(user);

  const validate = (): boolean => {
    const e: Errors = {};
    if (!description.trim()) e.description = t('report.error.description');
    if (!category.code) e.category = t('report.error.category');
    if (!location && !photosPending) e.location = t('report.error.location');
    if (field && behalf.open) {
      if (!behalf.name.trim()) e.behalfName = t('report.error.behalfName');
      if (behalf.phone.trim() && !PHONE.test(behalf.phone.trim())) e.behalfPhone = t('report.error.phone');
    }
    const m = missingRequired(questions, answers);
    setErrors(e);
    setMissing(m);
    const ok = Object.keys(e).length === 0 && m.length === 0;
    if (!ok) {
      requestAnimationFrame(() =>
        document
          .querySelector('.report-form .report-error-text')
          ?.scrollIntoView({ block: 'center', behavior: 'smooth' }),
      );
    }
    return ok;
  };

  const reset = () => {
    for (const p of photosRef.current) URL.revokeObjectURL(p.preview);
    setPhotos(() => []);
    setDescription('');
    setCategory({ code: null, byUser: false });
    setSuggestions([]);
    setAnswers({});
    setAnonymous(false);
    setBehalf({ open: false, name: '', phone: '' });
    setAddress('');
    setPin(null);
    setErrors({});
    setMissing([]);
  };

  const submit = async () => {
    if (busy || !validate() || !category.code) return;
    setBusy(true);
    try {
      if (uploads.current.size > 0) {
        await Promise.race([
          Promise.allSettled([...uploads.current]),
          new Promise((r) => setTimeout(r, UPLOAD_WAIT_MS)),
        ]);
      }
      const list = photosRef.current.filter((p) => p.status !== 'error');
      const mediaIds = list.flatMap((p) => (p.status === 'done' && p.media ? [p.media.id] : []));
      const files: PendingFile[] = list
        .filter((p) => !(p.status === 'done' && p.media))
        .map((p) => ({ name: p.file.name, type: p.file.type, blob: p.file }));
      const where = resolveLocation({ pin, gps: geo.position, photos: list.map((p) => p.media?.location) });
      const body: Omit<CreateEventInput, 'mediaIds'> = {
        categoryCode: category.code,
        description: description.trim(),
        answers: cleanAnswers(questions, answers),
      };
      if (where) body.location = { lng: where.lng, lat: where.lat, crs: 'wgs84' };
      if (address.trim()) body.address = address.trim();
      if (mayHide && anonymous) body.anonymous = true;
      if (field && behalf.open && behalf.name.trim()) {
        body.onBehalfOf = behalf.phone.trim()
          ? { name: behalf.name.trim(), phone: behalf.phone.trim() }
          : { name: behalf.name.trim() };
      }
      const entry = newEntry(body, mediaIds, files, Date.now());
      const r = await outbox.submit(entry);
      if (r?.kind === 'failed') {
        await outbox.discard(entry.key); // refused: the form still holds it, to correct and send anew
        setErrors({ submit: errorText(r.error) });
        return;
      }
      setDone(r?.kind === 'sent' ? { kind: 'sent', event: r.event } : { kind: 'waiting' });
      reset();
      window.scrollTo({ top: 0 });
    } catch (e) {
      setErrors({ submit: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const descriptionCount = useMemo(() => [...description].length, [description]);

  if (done) return <ReportDone done={done} onAgain={() => setDone(null)} />;

  return (
    <div className="report-form" data-testid="report-form">
      <PhotoPicker photos={photos} onAdd={addFiles} onRemove={removePhoto} />

      <section className="report-field">
        <label className="report-label" htmlFor="report-description">
          {t('report.description')}
        </label>
        <Input.TextArea
          id="report-description"
          data-testid="report-description"
          value={description}
          maxLength={MAX_DESCRIPTION}
          autoSize={{ minRows: 3, maxRows: 8 }}
          placeholder={t('report.description.placeholder')}
          onChange={(e) => setDescription(e.target.value)}
        />
        {descriptionCount > MAX_DESCRIPTION - 100 && (
          <div className="report-note">
            {descriptionCount}/{MAX_DESCRIPTION}
          </div>
        )}
        {errors.description && <div className="report-error-text">{errors.description}</div>}
      </section>

      <CategoryField
        categories={categories}
        byCode={byCode}
        chosen={category.code}
        suggestions={suggestions}
        suggesting={suggesting}
        onChoose={(code) => setCategory({ code, byUser: true })}
        {...(errors.category ? { error: errors.category } : {})}
      />

      <QuestionFields
        questions={questions}
        answers={answers}
        missing={missing}
        onChange={(code, v) => setAnswers((a) => ({ ...a, [code]: v }))}
      />

      <LocationField
        geo={geo}
        resolved={location}
        pin={pin}
        onPin={setPin}
        address={address}
        onAddress={setAddress}
        photosPending={photosPending}
        withBoundaries={!!user}
        {...(errors.location ? { error: errors.location } : {})}
      />

      {mayHide && (
        <section className="report-field report-switch">
          <div>
            <div className="report-label">{t('report.anonymous')}</div>
            <div className="report-note">{t('report.anonymous.help')}</div>
          </div>
          <Switch checked={anonymous} onChange={setAnonymous} data-testid="report-anonymous" />
        </section>
      )}

      {field && (
        <section className="report-field">
          <div className="report-switch">
            <div>
              <div className="report-label">{t('report.behalf')}</div>
              <div className="report-note">{t('report.behalf.help')}</div>
            </div>
            <Switch
              checked={behalf.open}
              onChange={(open) => setBehalf((b) => ({ ...b, open }))}
              data-testid="report-behalf"
            />
          </div>
          {behalf.open && (
            <div className="report-behalf">
              <Input
                value={behalf.name}
                maxLength={50}
                placeholder={t('report.behalf.name')}
                aria-label={t('report.behalf.name')}
                onChange={(e) => setBehalf((b) => ({ ...b, name: e.target.value }))}
              />
              {errors.behalfName && <div className="report-error-text">{errors.behalfName}</div>}
              <Input
                value={behalf.phone}
                maxLength={20}
                type="tel"
                inputMode="tel"
                placeholder={t('report.behalf.phone')}
                aria-label={t('report.behalf.phone')}
                onChange={(e) => setBehalf((b) => ({ ...b, phone: e.target.value }))}
              />
              {errors.behalfPhone && <div className="report-error-text">{errors.behalfPhone}</div>}
            </div>
          )}
        </section>
      )}

      {errors.submit && (
        <Alert
          type="error"
          showIcon
          message={errors.submit}
          className="report-submit-error"
          data-testid="submit-error"
        />
      )}
      <Button
        type="primary"
        size="large"
        block
        icon={<SendOutlined />}
        loading={busy}
        className="report-submit"
        data-testid="report-submit"
        onClick={() => void submit()}
      >
        {t('report.submit')}
      </Button>
      {!user && <div className="report-note report-center">{t('report.noAccountNote')}</div>}
    </div>
  );
}
