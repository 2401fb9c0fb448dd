// The column story of the end-to-end run (issue 16), called by story.mjs
// after its table-wide campaign (so the tab holds a token already). On the
// sample warehouse (examples/warehouse/README.md): dropping
// dwd.fact_orders.status concerns carol and dan (they use it only in WHERE)
// and frank (SELECT * over unknown columns: may use it); bob, erin and grace
// read the table but not the column, so a column campaign spares them.
// Kept in its own file so that the story's other steps and these merge apart.
import assert from 'node:assert/strict';

const COL_TABLE = 'dwd.fact_orders';
const COLUMN = 'status';

/** columnSteps runs the column steps with the story's page, step(), shot(), server and token. */
export async function columnSteps({ page, step, shot, BASE, TOKEN }) {
  await step(`the table page of ${COL_TABLE} lists its columns with how many jobs use each`, async () => {
    await page.goto(`${BASE}/tables/${COL_TABLE}`);
    const panel = page.getByTestId('columns-panel');
    await panel.getByTestId('columns-table').waitFor();
    const count = async (col) => (await panel.locator(`tr[data-column="${col}"] [data-testid="job-count"]`).textContent()).trim();
    assert.equal(await count(COLUMN), '2 jobs');
    assert.equal(await count('customer_id'), '5 jobs');
    assert.equal(await count('coupon_code'), 'unused');
    // frank's SELECT * is listed apart: it may use any column.
    const star = panel.getByTestId('columns-star');
    assert.match(await star.textContent(), /1 job reads this table through SELECT \*/);
    await star.getByRole('link', { name: 'warehouse:bi_dashboards/orders_export' }).waitFor();
    await panel.scrollIntoViewIfNeeded();
    await shot('table-columns');
  });

  await step(`open ${COLUMN}'s column lineage: where it comes from, where it goes, who uses it`, async () => {
    await page.getByTestId('columns-panel').getByRole('link', { name: `Lineage of column ${COLUMN}` }).click();
    await page.waitForURL(`**/tables/${COL_TABLE}/columns/${COLUMN}`);
    const svg = page.getByTestId('column-lineage-svg');
    await svg.waitFor();
    const cols = await svg.locator('.cnode').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')));
    for (const c of ['raw.shop_orders.status', 'ods.orders.status', `${COL_TABLE}.${COLUMN}`, 'reporting.orders_export.status'])
      assert.ok(cols.includes(c), `column graph lacks ${c}: ${cols}`);
    assert.equal(await svg.locator(`.cnode.start[data-column="${COL_TABLE}.${COLUMN}"]`).count(), 1, 'start column marked');
    // frank's SELECT * copy is drawn column to column, dashed.
    assert.equal(await svg.locator(`.cedge.star[data-target="reporting.orders_export.status"]`).count(), 1, 'star copy edge');
    const uses = page.getByTestId('column-uses');
    for (const [job, owner] of [['warehouse:dws_daily/customer_daily', '@carol'], ['warehouse:sandbox/cohort_retention.sql', '@dan']]) {
      const li = uses.locator(`li[data-job="${job}"]`);
      assert.match(await li.textContent(), new RegExp(`${owner} · filter · line \\d+`));
    }
    assert.equal(await uses.locator('li').count(), 2, 'two jobs use the column');
    await shot('column-lineage');
    // Downstream only drops what feeds it.
    await page.getByLabel('Goes to →').check();
    await page.waitForURL(/direction=downstream/);
    // Downstream, the graph holds the column and where it goes, not where it comes from.
    await page.waitForFunction(
      () =>
        !!document.querySelector('[data-testid="column-lineage-svg"] [data-column="reporting.orders_export.status"]') &&
        !document.querySelector('[data-testid="column-lineage-svg"] [data-column="raw.shop_orders.status"]'),
    );
  });

  await step(`the wizard with column ${COLUMN} picked previews who must act, who may use it, and whom it spares`, async () => {
    await page.goto(`${BASE}/tables/${COL_TABLE}`);
    await page.getByRole('link', { name: 'Start a migration campaign' }).click();
    await page.waitForURL('**/campaigns/new?table=*');
    const picker = page.getByTestId('column-picker');
    const box = picker.getByLabel(`Column ${COLUMN}`, { exact: true });
    await box.check();
    // The title follows the pick until the user edits it.
    assert.equal(await page.locator('#f-title').inputValue(), `Drop ${COL_TABLE}.${COLUMN}`);
    await picker.getByLabel('Drop').waitFor();
    assert.ok(await picker.getByLabel('Drop').isChecked(), 'DROP is the default change');
    await page.locator('#f-message').fill(`${COLUMN} goes away next month; use the payment state from dwd.fact_payments.`);
    await shot('wizard-columns');
    await page.getByRole('button', { name: 'Preview impact' }).click();
    // The story's first campaign set the token; should the prompt come anyway, answer it.
    const dialog = page.getByRole('dialog', { name: 'API token' });
    const preview = page.getByTestId('preview');
    // The losing wait must not reject unhandled later.
    await Promise.race([preview.waitFor(), dialog.waitFor().catch(() => {})]);
    if (await dialog.isVisible()) {
      await dialog.getByLabel('Token').fill(TOKEN);
      await dialog.getByRole('button', { name: 'Use token' }).click();
    }
    await preview.waitFor();
    const roles = await preview.locator('tr[data-owner]').evaluateAll((rs) => rs.map((r) => `${r.getAttribute('data-owner')}:${r.getAttribute('data-role')}`));
    assert.deepEqual(roles, ['carol:MUST_ACT', 'dan:MUST_ACT', 'frank:MAY_USE']);
    const lead = (await preview.getByTestId('column-lead').textContent()).replace(/\s+/g, ' ');
    assert.match(lead, /2 owners must act, 1 may use it and is asked to check/, lead);
    assert.match(lead, /3 tickets will be created/, lead);
    const spared = (await preview.getByTestId('spared').textContent()).replace(/\s+/g, ' ');
    assert.match(spared, /spares 3 owners \(bob, erin, grace\) compared with the whole table/, spared);
    // carol's use is shown with its kind and line; frank's with the reason.
    assert.match(await preview.locator('tr[data-owner="carol"]').textContent(), new RegExp(`${COL_TABLE}\\.${COLUMN} · filter · line \\d+`));
    assert.match(await preview.locator('tr[data-owner="frank"]').textContent(), /reads dwd\.fact_orders\.\*/);
    await shot('preview-columns');
  });

  await step('launch the column campaign and see its columns and change on the campaign page', async () => {
    await page.getByRole('button', { name: 'Launch campaign (3 tickets)' }).click();
    // As for the preview: should the server ask for a token here, give it.
    const dialog = page.getByRole('dialog', { name: 'API token' });
    const launched = page.waitForURL(/\/campaigns\/(?!new)[^/]+$/);
    await Promise.race([launched, dialog.waitFor().catch(() => {})]);
    if (await dialog.isVisible()) {
      await dialog.getByLabel('Token').fill(TOKEN);
      await dialog.getByRole('button', { name: 'Use token' }).click();
    }
    await launched;
    await page.getByRole('heading', { name: `Drop ${COL_TABLE}.${COLUMN}` }).waitFor();
    const facts = page.getByTestId('campaign-columns');
    await facts.waitFor();
    assert.equal(await facts.getByRole('link', { name: `Lineage of column ${COLUMN}` }).count(), 1);
    assert.equal((await page.getByTestId('campaign-change').textContent()).trim(), 'drop');
    for (let i = 0; i < 10 && (await page.locator('[data-owner] .ticket a').count()) < 3; i++) {
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText(/^Synced/).waitFor();
    }
    const owners = await page.locator('tr[data-owner]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-owner')).sort());
    assert.deepEqual(owners, ['carol', 'dan', 'frank']);
    assert.equal(await page.locator('[data-owner] .ticket a').count(), 3, 'three ticket links');
    await shot('campaign-columns');
  });
}
