/**
 * Test support for the risk monitor's simulations (the month in risk.service.test.ts, the quarter
 * in risk.quarter.test.ts): one rule of every kind, warn only so a simulated period runs on, with
 * thresholds small enough to be reached by a few injected violations.
 */
import type { RiskRule } from '@onewindow/shared';

export const SIM_RISK_RULES: readonly RiskRule[] = [
  { id: 'R-SOD', kind: 'case-two-steps', riskCode: 'CZ-01', mode: 'warn', enabled: true, thresholds: {} },
  {
    id: 'R-FAST',
    kind: 'case-fast-approval',
    riskCode: 'CZ-02',
    mode: 'warn',
    enabled: true,
    thresholds: { minMinutes: 30 },
  },
  {
    id: 'R-HOURS',
    kind: 'outside-hours',
    riskCode: 'DD-02',
    mode: 'warn',
    enabled: true,
    thresholds: { graceMinutes: 30 },
  },
  {
    id: 'R-HOLDER',
    kind: 'holder-frequency',
    riskCode: 'DD-01',
    mode: 'warn',
    enabled: true,
    thresholds: { tickets: 4, cases: 99, periodDays: 7 },
  },
  {
    id: 'R-STAFF',
    kind: 'staff-actions',
    riskCode: 'CZ-05',
    mode: 'warn',
    enabled: true,
    thresholds: { count: 3, periodHours: 24 },
  },
  {
    id: 'R-REJECT',
    kind: 'rejection-rate',
    riskCode: 'DD-03',
    mode: 'warn',
    enabled: true,
    thresholds: { periodDays: 7, minFinished: 10, factor: 2, minRate: 0.3 },
  },
  {
    id: 'R-OVERDUE',
    kind: 'case-overdue',
    riskCode: 'CZ-03',
    mode: 'warn',
    enabled: true,
    thresholds: { graceDays: 0 },
  },
  {
    id: 'R-WAIT',
    kind: 'long-wait',
    riskCode: 'CZ-04',
    mode: 'warn',
    enabled: true,
    thresholds: { minutes: 45 },
  },
  {
    id: 'R-LOGIN',
    kind: 'failed-logins',
    riskCode: 'JS-01',
    mode: 'warn',
    enabled: true,
    thresholds: { count: 3, periodMinutes: 10 },
  },
];
