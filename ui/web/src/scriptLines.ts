// Which lines of a script read and write which tables, from the parser's
// statements (each knows the line it starts on).

export interface StatementLike {
  line: number;
  reads: string[];
  writes: string[];
}

export interface LineMark {
  reads: string[];
  writes: string[];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** mentions reports whether line names table, whole, with or without quotes. */
function mentions(line: string, table: string): boolean {
  const parts = table.split('.').map(escape);
  // sales.orders also matches `sales`.`orders` and "sales"."orders".
  const q = '[`"\\[\\]]?';
  const body = parts.map((p) => q + p + q).join('\\s*\\.\\s*');
  return new RegExp(`(^|[^\\w.])${body}($|[^\\w])`, 'i').test(line);
}

/**
 * markLines maps 1-based line numbers to the tables read and written there.
 * A statement spans from its line to the line before the next statement; in
 * that span the lines naming a table are marked, or, when the name is not
 * written out (a default database qualified it), the statement's first line.
 */
export function markLines(script: string, statements: StatementLike[]): Map<number, LineMark> {
  const lines = script.split(/\r?\n/);
  const marks = new Map<number, LineMark>();
  const mark = (n: number, kind: 'reads' | 'writes', table: string) => {
    let m = marks.get(n);
    if (!m) marks.set(n, (m = { reads: [], writes: [] }));
    if (!m[kind].includes(table)) m[kind].push(table);
  };
  const sorted = [...statements].filter((s) => s.line >= 1).sort((a, b) => a.line - b.line);
  sorted.forEach((st, i) => {
    const from = st.line;
    const to = i + 1 < sorted.length ? Math.max(from, sorted[i + 1].line - 1) : lines.length;
    for (const kind of ['reads', 'writes'] as const) {
      for (const table of st[kind]) {
        let found = false;
        const short = table.split('.').pop()!;
        for (let n = from; n <= to && n <= lines.length; n++) {
          if (mentions(lines[n - 1], table)) {
            mark(n, kind, table);
            found = true;
          }
        }
        if (!found && short !== table) {
          for (let n = from; n <= to && n <= lines.length; n++) {
            if (mentions(lines[n - 1], short)) {
              mark(n, kind, table);
              found = true;
            }
          }
        }
        if (!found) mark(from, kind, table);
      }
    }
  });
  return marks;
}
