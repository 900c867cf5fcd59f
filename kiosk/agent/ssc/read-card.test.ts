import { describe, expect, it } from 'vitest';
import { type FakeCardOptions, FakeSsseCard } from './fake-card.ts';
import { exchange, readSocialSecurityCard, type Transmit } from './read-card.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function fake(options: FakeCardOptions = {}): { card: FakeSsseCard; transmit: Transmit } {
  const card = new FakeSsseCard(options);
  return { card, transmit: async (command) => card.respond(command) };
}

/** A transmit that answers from a script, recording the commands. */
function scripted(responses: string[]): { sent: Buffer[]; transmit: Transmit } {
  const sent: Buffer[] = [];
  return {
    sent,
    transmit: async (command) => {
      sent.push(command);
      const next = responses.shift();
      if (next === undefined) {
        throw new Error('script exhausted');
      }
      return hex(next);
    },
  };
}

describe('exchange', () => {
  it('follows 61xx with GET RESPONSE and joins the data', async () => {
    const { sent, transmit } = scripted(['6104', '0102 6102', '0304 9000']);
    const result = await exchange(transmit, hex('00 A4 04 00 01 AA'));
    expect(result).toEqual({ ok: true, data: hex('01020304') });
    expect(sent.slice(1)).toEqual([hex('00 C0 00 00 04'), hex('00 C0 00 00 02')]);
  });

  it('resends with the Le of 6Cxx', async () => {
    const { sent, transmit } = scripted(['6C0B', '07 09 413132333435363738 9000']);
    const result = await exchange(transmit, hex('00 B2 07 2C 00'));
    expect(result).toEqual({ ok: true, data: hex('07 09 413132333435363738') });
    expect(sent[1]).toEqual(hex('00 B2 07 2C 0B'));
  });

  it('gives up on a card that keeps answering 6Cxx', async () => {
    const { transmit } = scripted(['6C0B', '6C0C']);
    expect(await exchange(transmit, hex('00 B2 07 2C 00'))).toMatchObject({
      ok: false,
      code: 'UNEXPECTED_STATUS',
    });
  });

  it('gives up on endless 61xx', async () => {
    const { transmit } = scripted(Array.from({ length: 40 }, () => '00 6101'));
    expect(await exchange(transmit, hex('00 A4 04 00 01 AA'))).toMatchObject({ ok: false });
  });

  it('reports 6982 as PIN required', async () => {
    const { transmit } = scripted(['6982']);
    expect(await exchange(transmit, hex('00 B2 01 34 14'))).toEqual({
      ok: false,
      code: 'PIN_REQUIRED',
      sw: 0x6982,
    });
  });
});

describe('readSocialSecurityCard against the fake card', () => {
  it('reads the sample card', async () => {
    const { transmit } = fake();
    const result = await readSocialSecurityCard(transmit, { today: '2026-01-01' });
    expect(result).toEqual({
      ok: true,
      card: {
        cardNumber: 'A12345678',
        idNumber: '11010519491231002X',
        name: '张三',
        sex: 'F',
        nation: '01',
        generation: 3,
        specVersion: '3.00',
        issuedAt: '2021-06-15',
        expiresAt: '2031-06-15',
      },
    });
  });

  it('reads sex from rec 03 on a 1st generation card', async () => {
    const { card, transmit } = fake({ card: { specVersion: '1.00', sex: '1' } });
    const result = await readSocialSecurityCard(transmit);
    expect(result).toMatchObject({ ok: true, card: { generation: 1, sex: 'M', nation: '01' } });
    expect(card.commands.map((c) => c.toString('hex'))).toContain('00b2033403');
  });

  it('sends the exact READ RECORDs of the layout', async () => {
    const { card, transmit } = fake();
    await readSocialSecurityCard(transmit);
    expect(card.commands.map((c) => c.toString('hex').toUpperCase())).toEqual([
      '00A404000F7378312E73682EC9E7BBE1B1A3D5CF',
      '00B2032C06',
      '00B2072C0B',
      '00B2052C06',
      '00B2062C06',
      '00B2013414',
      '00B2023420',
      '00B2043403',
      '00B2053403',
    ]);
  });

  it('corrects Le and follows GET RESPONSE', async () => {
    const { card, transmit } = fake({ wrongLeFirst: true, selectGetResponse: true });
    const result = await readSocialSecurityCard(transmit);
    expect(result).toMatchObject({ ok: true, card: { cardNumber: 'A12345678', name: '张三' } });
    const sent = card.commands.map((c) => c.toString('hex').toUpperCase());
    expect(sent[1]).toMatch(/^00C00000/);
    expect(sent.filter((c) => c === '00B2072C0B')).toHaveLength(2);
  });

  it('says PIN required when the holder file is protected', async () => {
    const { transmit } = fake({ requirePin: true });
    const result = await readSocialSecurityCard(transmit);
    expect(result).toMatchObject({ ok: false, error: { code: 'PIN_REQUIRED' } });
    if (!result.ok) {
      expect(result.error.message).toContain('密码');
      expect(result.error.detail).toContain('6982');
    }
  });

  it('tells another card apart', async () => {
    const { transmit } = fake({ notSsc: true });
    expect(await readSocialSecurityCard(transmit)).toMatchObject({ ok: false, error: { code: 'NOT_SSC' } });
  });

  it('refuses a card whose ID number does not validate, without logging the number', async () => {
    const { transmit } = fake({ card: { idNumber: '110105194912310021' } });
    const result = await readSocialSecurityCard(transmit);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ID_NUMBER' } });
    if (!result.ok) {
      expect(result.error.detail).not.toContain('110105');
    }
  });

  it('names a card pulled mid-read (an answer without a status word) TRANSMIT_FAILED, not CARD_STATUS (DEV-12)', async () => {
    const { transmit } = fake();
    let answered = 0;
    const result = await readSocialSecurityCard(async (command) => {
      // SELECT and the first record answer; then the card is gone and the reader returns nothing.
      if (answered++ < 2) return transmit(command);
      return Buffer.alloc(0);
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'TRANSMIT_FAILED' } });
    if (!result.ok) {
      expect(result.error.detail).toMatch(/pulled out/);
      expect(result.error.message).toBe('读卡失败，请重新插卡');
    }
  });

  it('turns a failing transmit into TRANSMIT_FAILED', async () => {
    const result = await readSocialSecurityCard(async () => {
      throw new Error('Card was removed');
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'TRANSMIT_FAILED' } });
  });
});
