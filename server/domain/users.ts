/** Local test users. There is always at least one (the configured default) so consent works out of the box. */
import { Conflict, NotFound } from '../errors';
import { User, UserInput, UserPatch } from '../contracts';
import { iso } from '../clock';
import type { CoreDeps } from './deps';
import { parseOrThrow } from './parse';

export class UserService {
  constructor(private readonly d: CoreDeps) {}

  list(): User[] {
    return this.d.store.users.list();
  }

  get(sub: string): User | undefined {
    return this.d.store.users.get(sub);
  }

  async create(input: unknown): Promise<User> {
    const v = parseOrThrow(UserInput, input);
    if (this.get(v.sub)) throw new Conflict(`user "${v.sub}" already exists`);
    const row = User.parse({ sub: v.sub, name: v.name ?? v.sub, email: v.email, created_at: iso(this.d.clock.now()) });
    await this.d.store.users.put(row.sub, row);
    this.d.events.emit('user.created', { user: row });
    return row;
  }

  /** Changes the name and/or email (`email: null` removes it); the sub never changes. */
  async update(sub: string, patch: unknown): Promise<User> {
    const current = this.get(sub);
    if (!current) throw new NotFound(`user "${sub}" not found`);
    const v = parseOrThrow(UserPatch, patch);
    const next: User = { ...current, name: v.name ?? current.name };
    if (v.email === null) delete next.email;
    else if (v.email !== undefined) next.email = v.email;
    const row = User.parse(next);
    await this.d.store.users.put(row.sub, row);
    this.d.events.emit('user.updated', { user: row });
    return row;
  }

  async delete(sub: string): Promise<void> {
    if (!this.get(sub)) throw new NotFound(`user "${sub}" not found`);
    await this.d.store.users.remove(sub);
    this.d.events.emit('user.deleted', { sub });
  }

  /** The configured default user exists after start (created on first run). */
  async ensureDefault(): Promise<User> {
    const sub = this.d.config.user;
    return this.get(sub) ?? this.create({ sub, name: sub === 'dev-user' ? 'Dev User' : sub });
  }
}
