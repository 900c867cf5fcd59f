import { describe, expect, it } from 'vitest';
import { pickMandarinVoice } from './voices.ts';

describe('pickMandarinVoice', () => {
  const v = (lang: string, name: string, localService = true) => ({ lang, name, localService });
  it('prefers a local mainland Mandarin voice, never Cantonese', () => {
    const voices = [
      v('en-US', 'English'),
      v('zh-HK', 'Cantonese'),
      v('zh-TW', 'Taiwan'),
      v('zh-CN', 'Network', false),
      v('zh-CN', 'Local'),
    ];
    expect(pickMandarinVoice(voices)?.name).toBe('Local');
    expect(pickMandarinVoice([v('zh-HK', 'Cantonese'), v('yue', 'Cantonese')])).toBeNull();
    expect(pickMandarinVoice([v('cmn', 'Chinese (Mandarin)')])?.name).toBe('Chinese (Mandarin)');
    expect(pickMandarinVoice([v('zh_CN', 'Underscore')])?.name).toBe('Underscore');
    expect(pickMandarinVoice([])).toBeNull();
  });
});
