/**
 * Kiosk forms are kept only as long as they are needed (SPEC SEC-MIN-2): their answers are
 * deleted `retentionDays` after their ticket's day closed (no case) or their case was handed
 * back, together with the stored answers and finished print jobs of that age, in one unit of
 * work whose fact (`forms:purged`) says what went.
 */
import type { ApplicationStore } from '../store/application.store.ts';
import type { DeviceStore } from '../store/device.store.ts';
import { addCalendarDays } from './calendar.ts';
import type { HallService } from './hall.service.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** At most this many forms per unit, so a first purge of a big old hall does not block the queue. */
const BATCH = 500;

export class FormRetentionService {
  constructor(
    private readonly deps: {
      hall: HallService;
      forms: ApplicationStore;
      devices: DeviceStore;
      dropCommandResults: (before: number) => number;
      retentionDays: number;
      today: () => string;
    },
  ) {}

  /** Purges what is due; returns how many forms went (0 when nothing was due: no fact then). */
  purgeDue(): number {
    let total = 0;
    for (;;) {
      const r = this.deps.hall.run({ type: 'forms:purge' }, (uow) => {
        const days = this.deps.retentionDays;
        const lastDay = addCalendarDays(this.deps.today(), -days);
        const before = uow.now - days * DAY_MS;
        const due = this.deps.forms.purgeable(lastDay, before, BATCH);
        const commandResults = this.deps.dropCommandResults(before);
        const printJobs = this.deps.devices.dropDoneJobs(before);
        if (due.length === 0 && commandResults === 0 && printJobs === 0) return 0;
        for (const f of due) this.deps.forms.purge(f.id, uow.now);
        uow.append([
          {
            type: 'forms:purged',
            applicationIds: due.map((f) => f.id),
            ticketIds: [...new Set(due.map((f) => f.ticketId))],
            retentionDays: days,
            commandResults,
            printJobs,
          },
        ]);
        return due.length;
      });
      if (!r.ok) throw new Error(`form purge failed: ${r.error.message}`);
      total += r.value;
      if (r.value < BATCH) return total;
    }
  }
}
