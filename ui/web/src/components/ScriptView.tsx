// A script with line numbers; lines that read a table are marked blue, lines
// that write one orange, each with the table names beside it.
import { markLines, type StatementLike } from '../scriptLines';

export function ScriptView({ script, statements }: { script: string; statements: StatementLike[] }) {
  const marks = markLines(script, statements);
  const lines = script.replace(/\n$/, '').split(/\r?\n/);
  return (
    <div className="script" role="region" aria-label="Script" tabIndex={0}>
      <table>
        <tbody>
          {lines.map((text, i) => {
            const n = i + 1;
            const m = marks.get(n);
            const cls = m ? (m.writes.length && m.reads.length ? 'rw' : m.writes.length ? 'w' : 'r') : '';
            return (
              <tr key={n} className={cls ? `line-${cls}` : undefined} data-line={n}>
                <td className="ln" aria-hidden="true">
                  {n}
                </td>
                <td className="code">
                  <code>{text || ' '}</code>
                </td>
                <td className="tags">
                  {m?.reads.map((t) => (
                    <span key={'r' + t} className="tag tag-read" title={`reads ${t}`}>
                      reads {t}
                    </span>
                  ))}
                  {m?.writes.map((t) => (
                    <span key={'w' + t} className="tag tag-write" title={`writes ${t}`}>
                      writes {t}
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
