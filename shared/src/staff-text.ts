/**
 * The schema of a staff member's free text (SEC-TXT-2), apart from personal-data.ts so that the
 * browser apps that only need the pause reasons do not load zod.
 */
import { z } from 'zod';
import { personalDataRefusal } from './personal-data.ts';

/**
 * A staff member's free text (a note, a reason): trimmed, 1..max characters, and refused when
 * it carries an ID, phone or bank card number (SEC-TXT-2). The message is for the staff member.
 */
export const staffText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((v, ctx) => {
      const why = personalDataRefusal(v);
      if (why !== null)
        ctx.addIssue({ code: 'custom', message: `free text carries a personal number: ${why}` });
    });
