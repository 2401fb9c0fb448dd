import { describe, expect, it } from 'vitest';
import { burndownSeries } from './burndown';

const T0 = '2026-03-01T00:00:00Z';
const at = (h: number) => new Date(Date.parse(T0) + h * 3600_000).toISOString();

describe('burndownSeries', () => {
  const cases = [
    {
      name: 'NoEvents',
      events: [],
      targets: [
        { owner: 'a', state: 'OPEN' },
        { owner: 'b', state: 'OPEN' },
      ],
      want: [2, 2],
    },
    {
      name: 'OneCompletes',
      events: [
        { at: at(1), kind: 'ticket_created', owner: 'a' },
        { at: at(2), kind: 'target_complete', owner: 'a' },
      ],
      targets: [
        { owner: 'a', state: 'COMPLETE' },
        { owner: 'b', state: 'OPEN' },
      ],
      want: [2, 1, 1],
    },
    {
      name: 'Reopened',
      events: [
        { at: at(1), kind: 'verified', owner: 'a' },
        { at: at(2), kind: 'reopened', owner: 'a' },
      ],
      targets: [{ owner: 'a', state: 'OPEN' }],
      want: [1, 0, 1, 1],
    },
    {
      name: 'AddedLater',
      events: [{ at: at(3), kind: 'target_added', owner: 'c' }],
      targets: [
        { owner: 'a', state: 'OPEN' },
        { owner: 'c', state: 'PENDING' },
      ],
      want: [1, 2, 2],
    },
    {
      name: 'EndsAtTruth',
      // The log says nothing of b finishing, but the targets do.
      events: [],
      targets: [
        { owner: 'a', state: 'OPEN' },
        { owner: 'b', state: 'COMPLETE' },
      ],
      want: [2, 1],
    },
    {
      name: 'CancelledLeftOut',
      events: [],
      targets: [{ owner: 'a', state: 'CANCELLED' }],
      want: [0, 0],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pts = burndownSeries(T0, c.events, c.targets, Date.parse(at(10)));
      expect(pts.map((p) => p.open)).toEqual(c.want);
      expect(pts[0].t).toBe(Date.parse(T0));
      expect(pts[pts.length - 1].t).toBe(Date.parse(at(10)));
      for (let i = 1; i < pts.length; i++) expect(pts[i].t).toBeGreaterThanOrEqual(pts[i - 1].t);
    });
  }
});
