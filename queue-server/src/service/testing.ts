/**
 * Test support for service tests over a composed hall: the demo hall's configuration and catalog,
 * and staff accounts with the posts a test names (no passwords: the tests act as them directly).
 */
import type { StaffRole } from '@onewindow/shared';
import type { Hall } from '../compose.ts';
import { hallConfig, T0 } from '../domain/test-factory.ts';
import { demoCatalog } from '../seed/demo-hall.ts';
import type { HallStore } from '../store/hall.store.ts';

/** Configures the hall (4-digit numbers), loads the demo catalog and adds the staff (名 `员工<id>`). */
export function seedServiceHall(
  h: Hall,
  store: HallStore,
  people: Record<string, readonly StaffRole[]>,
  staffNumber: (id: string) => string = (id) => `G${id}`,
): void {
  const configured = h.hall.execute({
    type: 'hall:configure',
    config: hallConfig({ numberDigits: 4 }),
    by: 'admin',
  });
  if (!configured.ok) throw new Error(`hall:configure: ${configured.error.message}`);
  store.auth.replaceCatalog(demoCatalog());
  for (const [id, roles] of Object.entries(people))
    store.auth.insertStaff({
      id,
      username: id,
      name: `员工${id}`,
      staffNumber: staffNumber(id),
      roles: [...roles],
      passwordHash: 'x',
      createdAt: T0,
    });
}
