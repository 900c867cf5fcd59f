/**
 * Masking of personal data for staff screens, slips and logs (DOMAIN.md "Display": 张*三,
 * 110***********1234). Public screens show ticket numbers only and never call these.
 */

/**
 * Masks a person's name, one `*` per hidden character:
 * - one word of 3+ characters keeps the first and last: 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜;
 * - 2 characters keep the first: 张三 → 张*; 1 character → `*`;
 * - several words separated by spaces (Latin-script names) keep the first letter of each
 *   word: John Smith → J*** S****.
 *
 * Whitespace inside a name with Chinese characters is dropped first: 张 三 is a typing slip,
 * not two words, and the word rule would reveal it whole. Surrounding whitespace is dropped. Characters are counted as Unicode code points, so a
 * rare character outside the BMP (𠮷) is one character, not two.
 */
export function maskName(name: string): string {
  const trimmed = /\p{Script=Han}/u.test(name) ? name.replace(/\s+/g, '') : name.trim();
  if (/\s/.test(trimmed)) {
    return trimmed
      .split(/\s+/)
      .map((word) => {
        const chars = Array.from(word);
        return chars[0]! + '*'.repeat(chars.length - 1);
      })
      .join(' ');
  }
  const chars = Array.from(trimmed);
  if (chars.length === 0) {
    return '';
  }
  if (chars.length === 1) {
    return '*';
  }
  if (chars.length === 2) {
    return `${chars[0]}*`;
  }
  return chars[0]! + '*'.repeat(chars.length - 2) + chars[chars.length - 1]!;
}

/**
 * Masks an identity or document number, keeping its length so staff can still tell formats apart.
 *
 * 14+ characters keep the first 3 and last 4 (110***********1234). 8–13 characters keep only
 * the last 4, so that at least half stays hidden; 7 or fewer are masked entirely.
 */
export function maskIdNumber(id: string): string {
  const chars = Array.from(id);
  const n = chars.length;
  if (n <= 7) {
    return '*'.repeat(n);
  }
  const head = n >= 14 ? 3 : 0;
  return chars.slice(0, head).join('') + '*'.repeat(n - head - 4) + chars.slice(n - 4).join('');
}

/**
 * Masks the digits of a phone number, leaving separators (spaces, dashes, `+`) in place:
 * 13812345678 → 138****5678.
 *
 * With 11+ digits the first 3 and last 4 digits stay; with 8–10 digits (a landline without
 * area code) only the last 4; with fewer, every digit is masked.
 */
export function maskPhone(phone: string): string {
  const digitCount = (phone.match(/\d/g) ?? []).length;
  let head = 0;
  let tail = 0;
  if (digitCount >= 11) {
    head = 3;
    tail = 4;
  } else if (digitCount >= 8) {
    tail = 4;
  }
  let index = 0;
  return phone.replace(/\d/g, (d) => {
    const keep = index < head || index >= digitCount - tail;
    index++;
    return keep ? d : '*';
  });
}

// A run of digits glued to more digits is not an ID or phone number; the lookarounds stop a
// longer number (an order id, a timestamp) from being half masked into nonsense.
const ID_RUN = /(?<!\d)(?:\d{17}[\dXx]|\d{15})(?!\d)/g;
const FOREIGN_2017_RUN = /(?<![A-Za-z])[A-Z]{3}\d{12}(?!\d)/g;
// +86 / 86 written straight in front of the number would otherwise defeat the digit lookbehind.
const MOBILE_RUN = /(?<!\d)((?:\+?86)?)(1[3-9]\d{9})(?!\d)/g;

/**
 * Masks every identity number and mobile number in free text, for the logger.
 *
 * Recognized: 18-character runs of 17 digits plus a digit or X (resident IDs, permits, 2023
 * foreign cards), 15-digit runs (legacy IDs), 3 capital letters + 12 digits (2017 foreign
 * cards), and 11-digit mobiles 1[3-9]xxxxxxxxx, optionally with +86 in front. Only whole runs
 * are masked: digits adjacent to more digits are left alone. Numbers typed with spaces inside
 * (340524 1980…) are not recognized, so callers should log normalized numbers.
 */
export function redactPersonalData(text: string): string {
  return text
    .replace(ID_RUN, (id) => maskIdNumber(id))
    .replace(FOREIGN_2017_RUN, (id) => maskIdNumber(id))
    .replace(MOBILE_RUN, (_match, countryCode: string, mobile: string) => countryCode + maskPhone(mobile));
}
