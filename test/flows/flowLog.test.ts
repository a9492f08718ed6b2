/**
 * The flow log's text budget: the newest FLOW_LIMITS.totalBytes of recorded text are kept (here a
 * small arena); a step whose text newer steps wrote over rolls off its flow and is counted, and a
 * flow left with no step rolls off whole.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock';
import type { Config } from '../../server/config';
import type { FlowStep } from '../../server/contracts/flows';
import { EventBus } from '../../server/events';
import type { StepFacts } from '../../server/flows/facts';
import { FlowLog } from '../../server/flows/flowLog';

const clock = fixedClock('2026-12-03T12:00:00Z');

function flowLog(totalBytes: number): FlowLog {
  return new FlowLog({ clock, events: new EventBus(clock), config: { issuer: 'http://127.0.0.1:9000' } as Config }, () => undefined, { totalBytes });
}

/** A token step whose response body is `bodyBytes` long. */
function step(id: string, bodyBytes: number): FlowStep {
  return {
    id,
    at: new Date(clock.now()).toISOString(),
    endpoint: 'token',
    method: 'POST',
    url: '/oauth/token',
    status: 200,
    duration_ms: 1,
    ok: true,
    exchange: {
      request: { method: 'POST', url: '/oauth/token', headers: [], body: null },
      response: { status: 200, headers: [], body: { mime_type: 'application/json', text: 'x'.repeat(bodyBytes), size: bodyBytes, truncated: false } },
    },
  };
}

/** A step of the refresh chain `chain` (joined by its key), or a client_credentials flow of its own. */
function facts(chain?: string): StepFacts {
  const keys = chain ? [`r${chain}`] : [];
  return { endpoint: 'token', clientId: 'c1', grantType: chain ? 'refresh_token' : 'client_credentials', joins: keys, joinOnce: [], provides: keys, discovery: false, peer: () => 'peer' };
}

describe('flow log text budget', () => {
  it('keeps each step whole as recorded', () => {
    const log = flowLog(64 * 1024);
    log.record([log.keep(step('s1', 100))], facts());
    const [summary] = log.list();
    const flow = log.get(summary!.id, { reveal: true });
    expect(flow.steps).toHaveLength(1);
    expect(flow.steps[0]).toMatchObject({ id: 's1', status: 200, exchange: { response: { body: { text: 'x'.repeat(100), size: 100 } } } });
    expect(flow.dropped_steps).toBeUndefined();
  });

  it('rolls off the steps newer steps wrote over, counts them, and drops a flow left empty', () => {
    // Each step is ~2.35 KB of JSON, with room reserved for 3 bytes a character (~7 KB): the
    // 16 KB arena wraps at a4 (over a1), then a5 writes over lone, a6 over a2.
    const log = flowLog(16 * 1024);
    log.record([log.keep(step('a1', 2000))], facts('A'));
    log.record([log.keep(step('lone', 2000))], facts());
    for (let i = 2; i <= 6; i++) log.record([log.keep(step(`a${i}`, 2000))], facts('A'));

    const list = log.list();
    expect(list.map((f) => f.steps.map((s) => s.id))).toEqual([['a3', 'a4', 'a5', 'a6']]);
    const a = log.get(list[0]!.id);
    expect(a.steps.map((s) => s.id)).toEqual(['a3', 'a4', 'a5', 'a6']);
    expect(a.dropped_steps).toBe(2);
    expect(log.stats()).toMatchObject({ flows: 1, steps: 4 });
    expect(log.stats().bytes).toBeLessThanOrEqual(16 * 1024);
  });
});
