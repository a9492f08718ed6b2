import { describe, expect, it } from 'vitest';
import { EventBus } from '../server/events';
import { fixedClock } from '../server/clock';
import { isAudited } from '../server/contracts/events';
import type { AppEvent } from '../server/contracts';

const entry = { id: 'r1', at: '2026-12-03T00:00:00.000Z', method: 'GET', path: '/x', status: 200, duration_ms: 1, warnings: [] };

describe('EventBus', () => {
  it('gives each subscriber the types it takes, and every type to one that names none', () => {
    const bus = new EventBus(fixedClock('2026-12-03T10:00:00Z'));
    const audit: AppEvent[] = [];
    const all: AppEvent[] = [];
    bus.subscribe((e) => audit.push(e), isAudited);
    bus.emit('request.logged', { entry });
    expect(audit).toEqual([]);
    const off = bus.subscribe((e) => all.push(e));
    bus.emit('request.logged', { entry });
    bus.emit('user.deleted', { sub: 'alice' });
    expect(all.map((e) => e.type)).toEqual(['request.logged', 'user.deleted']);
    expect(audit.map((e) => e.type)).toEqual(['user.deleted']);
    // Both got the same event, stamped by the bus's clock.
    expect(audit[0]).toBe(all[1]);
    expect(all[0]!.at).toBe('2026-12-03T10:00:00.000Z');
    off();
    expect(bus.listenerCount).toBe(1);
  });

  it('says whether anyone takes a type, so costly data is built only for a listener', () => {
    const bus = new EventBus(fixedClock(0));
    expect(bus.wants('flow.updated')).toBe(false);
    bus.subscribe(() => undefined, isAudited);
    expect(bus.wants('flow.updated')).toBe(false);
    expect(bus.wants('token.issued')).toBe(true);
    const off = bus.subscribe(() => undefined);
    expect(bus.wants('flow.updated')).toBe(true);
    off();
    expect(bus.wants('flow.updated')).toBe(false);
  });

  it('a subscriber that throws breaks neither the emitter nor the others', () => {
    const bus = new EventBus(fixedClock(0));
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error('broken');
    });
    bus.subscribe((e) => got.push(e.type));
    expect(() => bus.emit('request.logged', { entry })).not.toThrow();
    expect(got).toEqual(['request.logged']);
  });
});
