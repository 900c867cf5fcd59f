/** Choosing the speech synthesis voice, the pure part (`speech.ts` asks the browser for the list). */

/** What `pickMandarinVoice` needs of a `SpeechSynthesisVoice`. */
export interface VoiceInfo {
  lang: string;
  name: string;
  localService: boolean;
}

/**
 * The best Mandarin voice: mainland Mandarin (zh-CN, cmn) first, local before network voices
 * (a hall network may have no internet), Taiwan Mandarin last; never Cantonese (zh-HK, yue).
 */
export function pickMandarinVoice<V extends VoiceInfo>(voices: readonly V[]): V | null {
  const rank = (v: VoiceInfo): number => {
    const lang = v.lang.toLowerCase().replace('_', '-');
    const name = v.name.toLowerCase();
    let r: number;
    if (/^(zh-cn|zh-hans|cmn-hans-cn|cmn-cn)\b/.test(lang) || /mandarin|普通话|putonghua/.test(name)) r = 0;
    else if (/^cmn\b/.test(lang)) r = 1;
    else if (lang === 'zh' && !/cantonese|粤|yue|hong kong/.test(name)) r = 2;
    else if (/^zh-(tw|hant)\b/.test(lang)) r = 3;
    else return -1;
    return r * 2 + (v.localService ? 0 : 1);
  };
  let best: V | null = null;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const v of voices) {
    const r = rank(v);
    if (r >= 0 && r < bestRank) {
      best = v;
      bestRank = r;
    }
  }
  return best;
}
