/**
 * `@onewindow/kiosk/agent/samples`: the sample cards the simulated readers are played with, for
 * demos and tests. Invented people; no real agent reads them.
 */
export { encodeBaseInfoText, SAMPLE_CARDS } from './idcard/base-info-encode.ts';
export { SAMPLE_CARD as SAMPLE_SSC_CARD, type SampleCard as SampleSscCard } from './ssc/fake-card.ts';
