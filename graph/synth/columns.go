package synth

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/lineagehq/lineage"
)

// Column names a generated table draws from: every table has the first
// four, and each picks the rest of its columns from vocab, so names repeat
// across tables as they do in real warehouses (customer_id, amount, ...).
var (
	commonColumns = []string{"id", "dt", "created_at", "updated_at"}
	vocab         = []string{
		"customer_id", "order_id", "product_id", "account_id", "user_id", "session_id", "campaign_id", "invoice_id",
		"amount", "amount_eur", "quantity", "price", "discount", "tax", "fee", "revenue", "cost", "margin",
		"status", "state", "type", "channel", "country", "region", "city", "currency", "language", "device",
		"email", "name", "segment", "tier", "score", "rank", "flag", "is_active", "is_deleted", "is_test",
		"source", "medium", "utm_source", "utm_campaign", "page", "event", "event_at", "started_at", "ended_at",
		"paid_at", "shipped_at", "delivered_at", "due_at", "period", "week", "month", "year", "version",
		"sku", "brand", "category", "supplier_id", "warehouse_id", "carrier", "weight", "volume", "payload",
		"count", "total", "balance", "limit_eur", "duration_s", "latency_ms", "clicks", "impressions", "spend",
	}
)

// TableColumns returns the columns of the table at index i of Tables:
// Config.Columns names (the four common ones first, then picks from a
// vocabulary seeded by the table's name), or none when Config.Columns is 0.
func (w *Warehouse) TableColumns(i int) []string {
	n := w.Config.Columns
	if n <= 0 {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(w.Tables[i]))
	r := rand.New(rand.NewPCG(h.Sum64(), uint64(w.Config.Seed)))
	cols := append([]string(nil), commonColumns[:min(n, len(commonColumns))]...)
	for _, k := range r.Perm(len(vocab)) {
		if len(cols) >= n {
			break
		}
		cols = append(cols, vocab[k])
	}
	return cols
}

// addColumns gives every job column lineage over its tables' columns: each
// read table contributes a few columns used as values, filters (dt), join
// keys (ids) or groupings, one job in twenty reads a table through SELECT *
// (a star over unknown columns), and each written table gets half its
// columns computed from one or two of the columns read. It draws from its
// own generator, so the table-level warehouse is the same with or without
// columns.
func (w *Warehouse) addColumns() {
	if w.Config.Columns <= 0 {
		return
	}
	idx := make(map[string]int, len(w.Tables))
	for i, t := range w.Tables {
		idx[t] = i
	}
	r := rand.New(rand.NewPCG(uint64(w.Config.Seed), 0xc01dc0ffee))
	for j := range w.Jobs {
		jp := &w.Jobs[j]
		var values []lineage.ColumnName
		star := r.IntN(20) == 0
		for k, t := range jp.Reads {
			cols := w.TableColumns(idx[t])
			if star && k == 0 {
				jp.Columns.Refs = append(jp.Columns.Refs, lineage.ColumnRef{
					ColumnName: lineage.ColumnName{Table: t, Column: lineage.Star}, Kind: lineage.UseValue, Line: 1, Unresolved: true})
				for _, wt := range jp.Writes {
					jp.Columns.Flows = append(jp.Columns.Flows, lineage.ColumnFlow{
						Target:  lineage.ColumnName{Table: wt, Column: lineage.Star},
						Sources: []lineage.ColumnName{{Table: t, Column: lineage.Star}}})
				}
				continue
			}
			ref := func(c string, kind lineage.ColumnUseKind) {
				jp.Columns.Refs = append(jp.Columns.Refs, lineage.ColumnRef{
					ColumnName: lineage.ColumnName{Table: t, Column: c}, Kind: kind, Line: 1 + k})
			}
			ref("dt", lineage.UseFilter)
			if k > 0 {
				ref("id", lineage.UseJoin)
			}
			for range 1 + r.IntN(4) {
				c := cols[r.IntN(len(cols))]
				kind := lineage.UseValue
				if r.IntN(8) == 0 {
					kind = lineage.UseGrouping
				}
				ref(c, kind)
				if kind == lineage.UseValue {
					values = append(values, lineage.ColumnName{Table: t, Column: c})
				}
			}
		}
		if len(values) == 0 {
			continue
		}
		for _, wt := range jp.Writes {
			cols := w.TableColumns(idx[wt])
			for _, c := range cols[:len(cols)/2] {
				f := lineage.ColumnFlow{Target: lineage.ColumnName{Table: wt, Column: c}}
				for range 1 + r.IntN(2) {
					f.Sources = append(f.Sources, values[r.IntN(len(values))])
				}
				jp.Columns.Flows = append(jp.Columns.Flows, f)
			}
		}
	}
}

// ColumnStats counts the column lineage of a warehouse.
func (w *Warehouse) ColumnStats() (refs, flowEdges int) {
	for _, j := range w.Jobs {
		refs += len(j.Columns.Refs)
		for _, f := range j.Columns.Flows {
			flowEdges += len(f.Sources)
		}
	}
	return refs, flowEdges
}
