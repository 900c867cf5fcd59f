import { describe, expect, it } from 'vitest';
import { SAMPLE_CARDS } from './base-info-encode.ts';
import { encodeNamedCommand, parseCommandPayload, type SamCommandName } from './sam-frame.ts';
import { SimulatedSamReader } from './simulator.ts';
import { createMemoryLink } from './transport.ts';

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

function ask(sim: SimulatedSamReader, name: SamCommandName): Uint8Array | undefined {
  return sim.answer(parseCommandPayload(encodeNamedCommand(name).subarray(7, -1)));
}

describe('SimulatedSamReader', () => {
  it('answers like a reader without a card', () => {
    const sim = new SimulatedSamReader();
    expect(ask(sim, 'status')).toEqual(hex('AA AA AA 96 69 00 04 00 00 90 94'));
    expect(ask(sim, 'find')).toEqual(hex('AA AA AA 96 69 00 04 00 00 80 84'));
    expect(ask(sim, 'select')).toEqual(hex('AA AA AA 96 69 00 04 00 00 81 85'));
    expect(ask(sim, 'readBase')).toEqual(hex('AA AA AA 96 69 00 04 00 00 41 45'));
  });

  it('walks find → select → read with a card', () => {
    const sim = new SimulatedSamReader();
    sim.insertCard(SAMPLE_CARDS.senior);
    expect(ask(sim, 'readBase')?.[9]).toBe(0x41);
    expect(ask(sim, 'find')).toEqual(hex('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'));
    expect(ask(sim, 'select')).toEqual(hex('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C'));
    const read = ask(sim, 'readBase')!;
    expect(read.subarray(0, 14)).toEqual(hex('AA AA AA 96 69 05 08 00 00 90 01 00 04 00'));
    expect(read.length).toBe(7 + 0x0508);
    expect(ask(sim, 'readNewAddress')?.[9]).toBe(0x91);
  });

  it('fails reads on demand, and stays silent while muted', () => {
    const sim = new SimulatedSamReader();
    sim.insertCard(SAMPLE_CARDS.young);
    sim.failNextRead();
    ask(sim, 'find');
    ask(sim, 'select');
    expect(ask(sim, 'readBase')?.[9]).toBe(0x41);
    sim.setMuted(true);
    expect(ask(sim, 'find')).toBeUndefined();
    expect(sim.received.map((r) => r.name)).toEqual(['find', 'select', 'readBase', 'find']);
  });

  it('answers 21 to unknown commands and 10 to frames with a bad checksum', async () => {
    const sim = new SimulatedSamReader();
    const { host, device } = createMemoryLink();
    sim.serve(device);
    const got: number[] = [];
    host.onData((c) => got.push(...c));
    await host.write(hex('AA AA AA 96 69 00 03 77 00 74'));
    await host.write(hex('AA AA AA 96 69 00 03 20 01 00'));
    await new Promise((r) => setImmediate(r));
    expect(Uint8Array.from(got)).toEqual(
      hex('AA AA AA 96 69 00 04 00 00 21 25 AA AA AA 96 69 00 04 00 00 10 14'),
    );
  });
});
