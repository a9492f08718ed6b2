/** Toasts in a polite live region: screen readers hear them, keyboard focus never moves. */
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { IconAlert, IconCheck, IconInfo } from './icons';

export interface ToastInput {
  kind?: 'success' | 'error' | 'info';
  title: string;
  detail?: string;
}
type Toast = ToastInput & { id: number };

const Ctx = createContext<(t: ToastInput) => void>(() => undefined);
export const useToast = () => useContext(Ctx);

let next = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((t: ToastInput) => {
    const id = next++;
    setToasts((xs) => [...xs.slice(-3), { ...t, id }]);
    setTimeout(() => setToasts((xs) => xs.filter((x) => x.id !== id)), t.kind === 'error' ? 7000 : 4200);
  }, []);
  return (
    <Ctx.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast ${t.kind ?? 'info'}`}>
            {t.kind === 'error' ? <IconAlert /> : t.kind === 'success' ? <IconCheck /> : <IconInfo />}
            <div>
              <div>{t.title}</div>
              {t.detail && <div className="toast-detail">{t.detail}</div>}
            </div>
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}
