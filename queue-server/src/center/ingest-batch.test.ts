import { ingestBatchSchema, MAX_BATCH_FACTS } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { checkBatch } from './ingest-batch.ts';

// RGN-REP-9: the ingest route's loop check accepts exactly what the wire schema accepts.
const fact = (seq: number): Record<string, unknown> => ({
  seq,
  at: 1_795_000_000_000 + seq * 1000,
  type: 'ticket:called',
  body: { type: 'ticket:called', ticketId: `t-${seq}`, windowId: 'w1', priorityStreak: 0 },
});
const batch = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  hallId: 'north-1',
  hallLastSeq: 12,
  versions: { catalog: 3 },
  facts: [fact(10), fact(11), fact(12)],
  ...over,
});
const withFact = (i: number, f: unknown) => {
  const facts = [fact(10), fact(11), fact(12)] as unknown[];
  facts[i] = f;
  return batch({ facts });
};

const cases: [string, unknown][] = [
  ['a good batch', batch()],
  ['no versions', (({ versions: _, ...b }) => b)(batch())],
  ['no facts, a hello', batch({ facts: [] })],
  ['one fact at the last seq', batch({ facts: [fact(12)] })],
  ['an empty versions', batch({ versions: {} })],
  ['all the kinds', batch({ versions: { catalog: 1, calendar: 0, 'risk-list': 2, 'risk-rules': 4 } })],
  ['an integer written 1.0 (JSON)', JSON.parse('{"hallId":"h","hallLastSeq":1.0,"facts":[]}')],
  ['the largest batch', batch({ hallLastSeq: MAX_BATCH_FACTS, facts: range(1, MAX_BATCH_FACTS) })],
  ['one fact too many', batch({ hallLastSeq: MAX_BATCH_FACTS + 1, facts: range(1, MAX_BATCH_FACTS + 1) })],
  ['not an object', [batch()]],
  ['null', null],
  ['a string', 'facts'],
  ['an unknown key', batch({ extra: 1 })],
  ['no hallId', (({ hallId: _, ...b }) => b)(batch())],
  ['an upper-case hallId', batch({ hallId: 'North' })],
  ['a hallId too long', batch({ hallId: `h${'x'.repeat(63)}` })],
  ['a numeric hallId', batch({ hallId: 7 })],
  ['no hallLastSeq', (({ hallLastSeq: _, ...b }) => b)(batch())],
  ['a negative hallLastSeq', batch({ hallLastSeq: -1, facts: [] })],
  ['a fractional hallLastSeq', batch({ hallLastSeq: 12.5 })],
  ['a hallLastSeq as a string', batch({ hallLastSeq: '12' })],
  ['an unsafe hallLastSeq', batch({ hallLastSeq: 2 ** 53, facts: [] })],
  ['versions as an array', batch({ versions: [] })],
  ['an unknown version kind', batch({ versions: { recipes: 1 } })],
  ['a negative version', batch({ versions: { catalog: -1 } })],
  ['a fractional version', batch({ versions: { catalog: 1.5 } })],
  ['a null version', batch({ versions: { catalog: null } })],
  ['facts not an array', batch({ facts: { 0: fact(10) } })],
  ['no facts key', (({ facts: _, ...b }) => b)(batch())],
  ['a fact that is null', withFact(1, null)],
  ['a fact that is an array', withFact(1, [])],
  ['a fact with an extra key', withFact(1, { ...fact(11), hall: 'x' })],
  ['a fact without a body', withFact(1, (({ body: _, ...f }) => f)(fact(11)))],
  ['a fact without at', withFact(0, (({ at: _, ...f }) => f)(fact(10)))],
  ['seq 0', batch({ facts: [fact(0), fact(1)] })],
  ['a fractional seq', withFact(2, { ...fact(12), seq: 11.5 })],
  ['a seq as a string', withFact(0, { ...fact(10), seq: '10' })],
  ['a fractional at', withFact(1, { ...fact(11), at: 1.5 })],
  ['a negative at (before 1970, allowed)', withFact(1, { ...fact(11), at: -5 })],
  ['an empty type', withFact(1, { ...fact(11), type: '' })],
  ['a type of 64', withFact(1, { ...fact(11), type: 't'.repeat(64) })],
  ['a type of 65', withFact(1, { ...fact(11), type: 't'.repeat(65) })],
  ['a numeric type', withFact(1, { ...fact(11), type: 3 })],
  ['a body that is an array', withFact(1, { ...fact(11), body: [] })],
  ['a body that is null', withFact(1, { ...fact(11), body: null })],
  ['a body that is a string', withFact(1, { ...fact(11), body: 'x' })],
  ['an empty body', withFact(1, { ...fact(11), body: {} })],
  ['out of order', batch({ facts: [fact(11), fact(10), fact(12)] })],
  ['a hole', batch({ facts: [fact(10), fact(12)] })],
  ['a repeat', batch({ facts: [fact(10), fact(10), fact(11)] })],
  ['beyond the hall’s last seq', batch({ hallLastSeq: 11 })],
  ['a __proto__ key (JSON)', JSON.parse('{"hallId":"h","hallLastSeq":0,"facts":[],"__proto__":{}}')],
];

function range(from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, k) => fact(from + k));
}

describe('checkBatch (RGN-REP-9)', () => {
  it.each(cases)('agrees with ingestBatchSchema: %s', (_name, input) => {
    const zod = ingestBatchSchema.safeParse(input);
    const mine = checkBatch(input);
    expect(mine.ok).toBe(zod.success);
    if (zod.success && mine.ok) {
      expect(mine.batch).toMatchObject({
        hallId: zod.data.hallId,
        hallLastSeq: zod.data.hallLastSeq,
        versions: zod.data.versions,
        count: zod.data.facts.length,
        first: zod.data.facts[0]?.seq ?? null,
        last: zod.data.facts.at(-1)?.seq ?? null,
      });
    }
    if (!zod.success && !mine.ok) {
      // Too many facts is the array's own `too_big` (a too-long type inside a fact is not: the old
      // route's test of path[0] alone answered it 413).
      const tooMany = zod.error.issues.some(
        (i) => i.code === 'too_big' && i.path.length === 1 && i.path[0] === 'facts',
      );
      expect(mine.tooMany).toBe(tooMany);
    }
  });

  it('names what is wrong and where', () => {
    const r = checkBatch(withFact(1, { ...fact(11), seq: 'x' }));
    expect(r).toEqual({ ok: false, tooMany: false, message: 'facts.1.seq: expected an integer ≥ 1' });
    const order = checkBatch(batch({ facts: [fact(11), fact(10)] }));
    expect(!order.ok && order.message).toContain('contiguous');
  });
});
