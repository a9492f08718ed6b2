/**
 * What many views need to label things: resources, clients, users and keys, kept fresh by
 * the event stream. Plus the live queue of pending consent prompts (the sidebar badge).
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ClientView, KeyView, PendingInteraction, Resource, User } from '../../../server/contracts';
import { POLICY_EVENTS } from '../../../server/contracts/resourcePolicy';
import { api } from '../api/admin';
import { onResync } from '../api/events';
import { useAppEvents, useLoad } from '../api/hooks';

export interface Catalog {
  issuer: string;
  mode: 'bridge' | 'cookie';
  resources: Resource[];
  clients: ClientView[];
  users: User[];
  keys: KeyView[];
  loaded: boolean;
  reload: () => void;
  pending: PendingInteraction[];
  /** Remove a prompt locally right after deciding (the event confirms it). */
  dropPending: (uid: string) => void;
}

const Ctx = createContext<Catalog | null>(null);

export function useCatalog(): Catalog {
  const c = useContext(Ctx);
  if (!c) throw new Error('useCatalog outside CatalogProvider');
  return c;
}

export function CatalogProvider({ issuer, mode, children }: { issuer: string; mode: 'bridge' | 'cookie'; children: ReactNode }) {
  const resources = useLoad(api.resources, [], ['resource.created', 'resource.updated', 'resource.deleted', ...POLICY_EVENTS]);
  const clients = useLoad(api.clients, [], ['client.created', 'client.updated', 'client.deleted']);
  const users = useLoad(api.users, [], ['user.created', 'user.updated', 'user.deleted']);
  const keys = useLoad(api.keys, [], ['key.rotated']);
  const [pending, setPending] = useState<PendingInteraction[]>([]);

  useEffect(() => {
    let alive = true;
    const load = () =>
      api.interactions().then(
        (xs) => alive && setPending(xs),
        () => undefined,
      );
    load();
    const off = onResync(load);
    // Prompts expire silently when nobody decides; drop them on time.
    const t = setInterval(() => setPending((xs) => (xs.some((x) => Date.parse(x.expires_at) <= Date.now()) ? xs.filter((x) => Date.parse(x.expires_at) > Date.now()) : xs)), 5000);
    return () => {
      alive = false;
      off();
      clearInterval(t);
    };
  }, []);
  useAppEvents(['consent.pending', 'consent.updated', 'consent.decided'], (e) => {
    if (e.type === 'consent.pending') setPending((xs) => (xs.some((x) => x.uid === e.data.interaction.uid) ? xs : [e.data.interaction, ...xs]));
    else if (e.type === 'consent.updated') setPending((xs) => xs.map((x) => (x.uid === e.data.interaction.uid ? e.data.interaction : x)));
    else setPending((xs) => xs.filter((x) => x.uid !== e.data.uid));
  });

  const value = useMemo<Catalog>(
    () => ({
      issuer,
      mode,
      resources: resources.data ?? [],
      clients: clients.data ?? [],
      users: users.data ?? [],
      keys: keys.data ?? [],
      loaded: !!(resources.data && clients.data && users.data),
      reload: () => {
        resources.reload();
        clients.reload();
        users.reload();
        keys.reload();
      },
      pending,
      dropPending: (uid) => setPending((xs) => xs.filter((x) => x.uid !== uid)),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [issuer, mode, resources.data, clients.data, users.data, keys.data, pending],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
