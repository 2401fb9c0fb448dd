import { describe, expect, it } from 'vitest';
import { markLines } from './scriptLines';

const script = `-- daily sales
INSERT OVERWRITE TABLE dws.daily_sales
SELECT o.day, sum(o.amount)
FROM ods.orders o
JOIN \`ods\`.\`customers\` c ON c.id = o.customer_id
GROUP BY o.day;

SELECT * FROM staging_tmp;`;

describe('markLines', () => {
  it('marks the lines naming each table in its statement', () => {
    const m = markLines(script, [
      { line: 2, reads: ['ods.orders', 'ods.customers'], writes: ['dws.daily_sales'] },
      { line: 8, reads: ['warehouse.staging_tmp'], writes: [] },
    ]);
    expect(m.get(2)).toEqual({ reads: [], writes: ['dws.daily_sales'] });
    expect(m.get(4)).toEqual({ reads: ['ods.orders'], writes: [] });
    expect(m.get(5)).toEqual({ reads: ['ods.customers'], writes: [] });
    // Qualified by a default database: found by its short name.
    expect(m.get(8)).toEqual({ reads: ['warehouse.staging_tmp'], writes: [] });
    expect(m.has(1)).toBe(false);
    expect(m.has(3)).toBe(false);
  });
  it('falls back to the statement line when the name is not written', () => {
    const m = markLines('SELECT 1\nFROM dual', [{ line: 1, reads: ['x.y'], writes: [] }]);
    expect(m.get(1)).toEqual({ reads: ['x.y'], writes: [] });
  });
  it('does not match inside longer names', () => {
    const m = markLines('SELECT * FROM ods.orders_v2', [{ line: 1, reads: ['ods.orders_v2'], writes: [] }, { line: 1, reads: [], writes: [] }]);
    expect(m.get(1)?.reads).toEqual(['ods.orders_v2']);
    const n = markLines('SELECT * FROM ods.orders_v2\nFROM ods.orders', [{ line: 1, reads: ['ods.orders'], writes: [] }]);
    expect(n.has(1)).toBe(false);
    expect(n.get(2)?.reads).toEqual(['ods.orders']);
  });
});
