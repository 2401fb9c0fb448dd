// Column lineage (issue 16): the GraphQL operations for a table's columns and
// a column's flow, and the pure helpers the column components share.
// Written against gql/schema/column.graphqls. Kept apart from queries.ts so
// that the column UI is one set of files.
import { gql } from './api';
import type { Direction } from './queries';

/** STAR is the column name under which the server lists reads through `SELECT *` over unknown columns. */
export const STAR = '*';

export type ColumnUseKind = 'VALUE' | 'FILTER' | 'JOIN' | 'GROUPING' | 'ORDERING' | 'WINDOW' | 'OTHER';
export type ColumnChange = 'DROP' | 'RENAME' | 'RETYPE';
export type ImpactRole = 'MUST_ACT' | 'MAY_USE' | 'INFORMED';

export interface ColumnUse {
  job: { id: string; owner: { handle: string } | null };
  kind: ColumnUseKind;
  /** line is the line of the use in the job's script, 0 when unknown. */
  line: number;
  unresolved: boolean;
}
export interface Column {
  name: string;
  declared: boolean;
  jobCount: number;
  uses: ColumnUse[];
  /** writers are the ids of the jobs whose column flow writes the column. */
  writers: string[];
}

const TABLE_COLUMNS = `query TableColumns($name: String!) {
  table(name: $name) {
    name
    columns { name declared jobCount uses { job { id owner { handle } } kind line unresolved } writers }
  }
}`;
export const tableColumns = (name: string, signal?: AbortSignal) =>
  gql<{ table: { name: string; columns: Column[] } | null }>(TABLE_COLUMNS, { name }, { signal });

export interface ColumnEdge {
  job: string;
  source: string;
  target: string;
}
export interface ColumnLineageResult {
  start: string;
  columns: string[];
  edges: ColumnEdge[];
  truncated: boolean;
}
const COLUMN_LINEAGE = `query ColumnLineage($table: String!, $column: String!, $direction: Direction, $depth: Int, $limit: Int) {
  columnLineage(table: $table, column: $column, direction: $direction, depth: $depth, limit: $limit) {
    start columns edges { job source target } truncated
  }
}`;
export const columnLineage = (
  v: { table: string; column: string; direction: Direction; depth: number; limit: number },
  signal?: AbortSignal,
) => gql<{ columnLineage: ColumnLineageResult }>(COLUMN_LINEAGE, v, { signal });

// --- helpers ----------------------------------------------------------------

/** KIND_LABEL names each kind of use as a reader would say it. */
export const KIND_LABEL: Record<ColumnUseKind, string> = {
  VALUE: 'value',
  FILTER: 'filter',
  JOIN: 'join key',
  GROUPING: 'group by',
  ORDERING: 'order by',
  WINDOW: 'window',
  OTHER: 'other',
};

/** kindsOf lists the distinct kinds of use of a column, in a fixed order. */
export function kindsOf(c: Column): ColumnUseKind[] {
  const order = Object.keys(KIND_LABEL) as ColumnUseKind[];
  const seen = new Set(c.uses.map((u) => u.kind));
  return order.filter((k) => seen.has(k));
}

/** UseByJob is one job's uses of a column, merged: a job may use a column several ways. */
export interface UseByJob {
  job: string;
  owner: string | null;
  kinds: ColumnUseKind[];
  lines: number[];
  unresolved: boolean;
}

/** usesByJob groups a column's uses by job, in job id order. */
export function usesByJob(c: Column): UseByJob[] {
  const m = new Map<string, UseByJob>();
  for (const u of c.uses) {
    let e = m.get(u.job.id);
    if (!e) {
      e = { job: u.job.id, owner: u.job.owner?.handle ?? null, kinds: [], lines: [], unresolved: false };
      m.set(u.job.id, e);
    }
    if (!e.kinds.includes(u.kind)) e.kinds.push(u.kind);
    if (u.line > 0 && !e.lines.includes(u.line)) e.lines.push(u.line);
    e.unresolved ||= u.unresolved;
  }
  const order = Object.keys(KIND_LABEL);
  return [...m.values()]
    .map((e) => ({ ...e, kinds: e.kinds.sort((a, b) => order.indexOf(a) - order.indexOf(b)), lines: e.lines.sort((a, b) => a - b) }))
    .sort((a, b) => a.job.localeCompare(b.job));
}

/**
 * splitColumn splits "schema.table.column" at its last dot. Table names are
 * schema-qualified, column names have no dot.
 */
export function splitColumn(full: string): { table: string; column: string } {
  const i = full.lastIndexOf('.');
  if (i < 0) return { table: '', column: full };
  return { table: full.slice(0, i), column: full.slice(i + 1) };
}

/** FlowEdge is one drawn step of column flow. */
export interface FlowEdge extends ColumnEdge {
  /** star is set when the step is a `SELECT *` copy, drawn column to column. */
  star: boolean;
}

/**
 * flowEdges turns the server's edges into the ones to draw. A `SELECT *`
 * copy comes as `a.*` → `b.*`; where the walk reached the same column name on
 * both sides it is drawn as `a.c` → `b.c` (that is how the server followed
 * it), otherwise between the two stars.
 */
export function flowEdges(l: ColumnLineageResult): FlowEdge[] {
  const reached = new Set(l.columns);
  const out: FlowEdge[] = [];
  const seen = new Set<string>();
  const push = (e: FlowEdge) => {
    const k = `${e.job}\u0000${e.source}\u0000${e.target}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(e);
  };
  for (const e of l.edges) {
    const s = splitColumn(e.source);
    const t = splitColumn(e.target);
    if (s.column === STAR && t.column === STAR) {
      let matched = false;
      for (const c of l.columns) {
        const rc = splitColumn(c);
        if (rc.table === s.table && reached.has(`${t.table}.${rc.column}`)) {
          push({ job: e.job, source: c, target: `${t.table}.${rc.column}`, star: true });
          matched = true;
        }
      }
      if (matched) continue;
      push({ ...e, star: true });
      continue;
    }
    push({ ...e, star: s.column === STAR || t.column === STAR });
  }
  return out;
}

/** flowNodes lists every column to draw: those reached, plus edge ends (stars) not among them. */
export function flowNodes(l: ColumnLineageResult, edges: FlowEdge[]): string[] {
  const s = new Set(l.columns);
  for (const e of edges) {
    s.add(e.source);
    s.add(e.target);
  }
  return [...s].sort();
}

// --- column impact, as the campaign preview asks for it ---------------------

/**
 * COLUMN_IMPACT_FIELDS is spliced into the campaign preview's `impact { }`:
 * the changed columns, the columns derived from them, the readers a column
 * campaign spares, and each owner's role with the uses behind it. byRole
 * is asked only when the query's $scoped is true (a column-scoped preview):
 * on a table-wide one it would repeat every owner with every job.
 */
export const COLUMN_IMPACT_FIELDS = `columns derived spared { handle }
      byRole: owners @include(if: $scoped) { owner { handle } role hops jobs { job { id } role hops reason uses { name kind line unresolved } } }`;

export interface ColumnImpactOwner {
  owner: { handle: string };
  role: ImpactRole;
  hops: number;
  jobs: {
    job: { id: string };
    role: ImpactRole;
    hops: number;
    reason: string | null;
    uses: { name: string; kind: ColumnUseKind; line: number; unresolved: boolean }[];
  }[];
}
/** ColumnImpact is what COLUMN_IMPACT_FIELDS adds to a preview's impact. */
export interface ColumnImpact {
  columns?: string[];
  derived?: string[];
  spared?: { handle: string }[];
  byRole?: ColumnImpactOwner[];
}

/** ROLE_LABEL names each impact role in the preview. */
export const ROLE_LABEL: Record<ImpactRole, string> = {
  MUST_ACT: 'must act',
  MAY_USE: 'may use it: asked to check',
  INFORMED: 'told',
};

/** CHANGE_VERB is how a title or sentence names a change. */
export const CHANGE_VERB: Record<ColumnChange, string> = { DROP: 'Drop', RENAME: 'Rename', RETYPE: 'Retype' };

/** columnTitle is the wizard's default title for a column campaign. */
export function columnTitle(table: string, columns: string[], change: ColumnChange): string {
  if (columns.length === 0) return table ? `Migrate off ${table}` : '';
  const names = columns.length === 1 ? `${table}.${columns[0]}` : `${columns.join(', ')} of ${table}`;
  return `${CHANGE_VERB[change]} ${names}`;
}

/** groupByRole splits an impact's owners by role, keeping the server's order (by hops, then handle). */
export function groupByRole(owners: ColumnImpactOwner[]): Record<ImpactRole, ColumnImpactOwner[]> {
  const out: Record<ImpactRole, ColumnImpactOwner[]> = { MUST_ACT: [], MAY_USE: [], INFORMED: [] };
  for (const o of owners) out[o.role]?.push(o);
  return out;
}
