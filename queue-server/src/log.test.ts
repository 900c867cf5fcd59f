import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: createLogger('info', stream) };
}

describe('logger', () => {
  it('never writes an ID number, phone or password unmasked', () => {
    const { lines, log } = capture();
    const id = '11010519491231002X';
    log.info(
      { idNumber: id, password: 'secret1234', note: `citizen ${id} phone 13812345678` },
      `issue for ${id}`,
    );
    log.error({ err: new Error(`bad id ${id}`) }, 'failed');
    log.info({ nested: { deeper: [{ text: `id=${id}` }] } }, 'deep');
    const out = lines.join('');
    expect(out).not.toContain(id);
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('secret1234');
    expect(out).toContain('110***********002X');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, service: 'queue-server' });
  });
});
