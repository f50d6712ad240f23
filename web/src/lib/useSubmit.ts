// One submit of a form: whether its problems are shown yet (after the first try), whether it is busy, and
// the error in the user's words (a 422's reason added from the server). The work runs only when the form
// has no problems; a 409 (someone changed the record) lets the caller reload.
import { useCallback, useState } from 'react';
import { isApiError } from '../api/client';
import { useI18n } from '../i18n';
import { hazardErrorText } from '../pages/hazards/HazardActionForm';

export interface Submit {
  /** The form was tried once: show what it lacks. */
  shown: boolean;
  busy: boolean;
  error: string | null;
  setError: (e: string | null) => void;
  /** Forget the last try (another record opened in the same drawer). */
  reset: () => void;
  /** Runs `work` unless `ready` is false; a 409 calls `onConflict` before the error is shown. */
  run: (ready: boolean, work: () => Promise<void>, onConflict?: () => void) => Promise<void>;
}

export function useSubmit(): Submit {
  const { errorText } = useI18n();
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (ready: boolean, work: () => Promise<void>, onConflict?: () => void) => {
    setShown(true);
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      if (isApiError(e, 409)) onConflict?.();
      setError(hazardErrorText(e, errorText));
    } finally {
      setBusy(false);
    }
  };
  const reset = useCallback(() => {
    setShown(false);
    setError(null);
  }, []);
  return { shown, busy, error, setError, reset, run };
}
