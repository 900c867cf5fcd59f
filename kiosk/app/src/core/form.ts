/** The form's first values: what the card (or the typed ID number) already says. */
import {
  type CardPrefill,
  type FormDefinition,
  type FormValues,
  prefillForm,
} from '@onewindow/shared/forms.ts';
import type { Person } from './store.ts';

const SEX_CODES: Record<string, string[]> = { 男: ['M', '1', 'male'], 女: ['F', '2', 'female'] };

/** The card's values, matched to a choice's options when the card says 男 and the form wants M. */
export function initialValues(def: FormDefinition, person: Person | null): FormValues {
  const card: CardPrefill | null =
    person === null
      ? null
      : {
          name: person.name,
          idNumber: person.idNumber,
          sex: person.sex,
          birthDate: person.birthDate,
          address: person.address,
        };
  const values = prefillForm(def, card);
  for (const f of def.fields) {
    const v = values[f.key];
    if (v === undefined || f.kind !== 'choice' || f.options?.some((o) => o.value === v)) continue;
    const match = f.options?.find(
      (o) => o.label === v || (SEX_CODES[v] ?? []).some((c) => c.toLowerCase() === o.value.toLowerCase()),
    );
    if (match) values[f.key] = match.value;
    else delete values[f.key];
  }
  return values;
}
