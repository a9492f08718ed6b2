/** An action started by a button: its last result, whether it is running, and its error. */
import { useState } from 'react';

export function useAction<T>(act: () => Promise<T>) {
  const [result, setResult] = useState<T>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await act());
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return { result, busy, error, run };
}
