// The burndown series: how many targets were still open over time, rebuilt
// from the campaign's event log and pinned to the targets' current states.

export interface BurnEvent {
  at: string;
  kind: string;
  owner?: string | null;
}

export interface BurnTarget {
  owner: string;
  state: string;
}

export interface BurnPoint {
  t: number; // ms since epoch
  open: number;
}

const closes = (kind: string) => /(complete|verified|closed|done)/i.test(kind) && !/reopen|not_?complete|incomplete/i.test(kind);
const opens = (kind: string) => /(reopen|target_added|added|still_reading|new_reader)/i.test(kind);

/**
 * burndownSeries walks the events oldest first. An owner is open from the
 * start (or from an event adding them) until an event completes them, and
 * open again if reopened. The last point is now, with the count of targets
 * that are open or pending today, so the line always ends at the truth even
 * if the log is incomplete.
 */
export function burndownSeries(createdAt: string, events: BurnEvent[], targets: BurnTarget[], now: number): BurnPoint[] {
  const start = Date.parse(createdAt);
  const live = (s: string) => s !== 'CANCELLED';
  const open = new Set<string>();
  // Everyone who is a target today and was not added later started open.
  const addedLater = new Set(events.filter((e) => e.owner && /target_added|added/i.test(e.kind)).map((e) => e.owner!));
  for (const t of targets) if (live(t.state) && !addedLater.has(t.owner)) open.add(t.owner);
  const points: BurnPoint[] = [{ t: start, open: open.size }];
  const sorted = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const e of sorted) {
    if (!e.owner) continue;
    const t = Date.parse(e.at);
    if (Number.isNaN(t)) continue;
    const before = open.size;
    if (closes(e.kind)) open.delete(e.owner);
    else if (opens(e.kind)) open.add(e.owner);
    if (open.size !== before) points.push({ t: Math.max(t, start), open: open.size });
  }
  const current = targets.filter((t) => t.state === 'OPEN' || t.state === 'PENDING').length;
  points.push({ t: Math.max(now, points[points.length - 1].t), open: current });
  return points;
}
