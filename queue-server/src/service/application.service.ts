/**
 * A citizen's kiosk forms as the window reads them (SPEC KSK-5): by the ticket beside the
 * called number, or by the code scanned from the ticket. The form's answers are shown with the
 * labels of the item's form definition.
 */
import { type ApplicationView, displayValue, type ServiceItem } from '@onewindow/shared';
import type { QueueEngine } from '../domain/engine.ts';
import type { ApplicationRow, ApplicationStore } from '../store/application.store.ts';

export class ApplicationService {
  constructor(
    private readonly deps: {
      store: ApplicationStore;
      catalog: () => ServiceItem[];
      queue: () => QueueEngine;
    },
  ) {}

  ofTicket(ticketId: string): ApplicationView[] {
    return this.deps.store.byTicket(ticketId).map((a) => this.view(a));
  }

  byCode(code: string): ApplicationView | undefined {
    const a = this.deps.store.byCode(code);
    return a === undefined ? undefined : this.view(a);
  }

  private view(a: ApplicationRow): ApplicationView {
    const item = this.deps.catalog().find((i) => i.code === a.itemCode);
    const ticket = this.deps.queue().ticket(a.ticketId);
    const fields = item?.form
      ? item.form.fields
          .filter((f) => a.values[f.key] !== undefined)
          .map((f) => ({ key: f.key, label: f.label, value: displayValue(f, a.values[f.key]) }))
      : Object.entries(a.values).map(([key, value]) => ({ key, label: key, value }));
    return {
      id: a.id,
      code: a.code,
      ticketId: a.ticketId,
      ticketNumber: ticket?.number ?? a.ticketId.split('-').at(-1) ?? a.ticketId,
      itemCode: a.itemCode,
      itemName: item?.name ?? a.itemCode,
      formTitle: a.formTitle,
      createdAt: a.createdAt,
      fields,
      values: a.values,
    };
  }
}
