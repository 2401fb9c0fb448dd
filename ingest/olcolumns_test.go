package ingest_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
)

// olColumnsEvent is a COMPLETE event with schema facets on its datasets and
// a columnLineage facet on its output, shaped as the OpenLineage Spark
// integration sends them (ColumnLineageDatasetFacet 1-2-0).
const olColumnsEvent = `{
  "eventType": "COMPLETE",
  "eventTime": "2024-06-01T02:13:07.123Z",
  "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.9.1/integration/spark",
  "run": {"runId": "0190b2c4-8d2e-7c1a-9f3b-2f6d1e4a5b6c"},
  "job": {"namespace": "spark-prod", "name": "orders_daily"},
  "inputs": [
    {"namespace": "hive://metastore:9083", "name": "stg.orders",
     "facets": {"schema": {"_producer": "x", "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
       "fields": [{"name": "ID", "type": "bigint"}, {"name": "amount", "type": "decimal(10,2)"}, {"name": "dt", "type": "date"},
                  {"name": "status", "type": "string"}, {"name": "address", "type": "struct", "fields": [{"name": "city", "type": "string"}]}]}}},
    {"namespace": "hive://metastore:9083", "name": "ref.fx"}
  ],
  "outputs": [
    {"namespace": "hive://metastore:9083", "name": "mart.orders_daily",
     "facets": {
       "schema": {"fields": [{"name": "dt"}, {"name": "revenue"}]},
       "columnLineage": {
         "_producer": "x", "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
         "fields": {
           "revenue": {"inputFields": [
             {"namespace": "hive://metastore:9083", "name": "stg.orders", "field": "amount",
              "transformations": [{"type": "DIRECT", "subtype": "AGGREGATION"}]},
             {"namespace": "hive://metastore:9083", "name": "ref.fx", "field": "rate"},
             {"namespace": "hive://metastore:9083", "name": "stg.orders", "field": "status",
              "transformations": [{"type": "INDIRECT", "subtype": "FILTER"}]}
           ]},
           "dt": {"inputFields": [{"namespace": "hive://metastore:9083", "name": "stg.orders", "field": "dt"}]}
         },
         "dataset": [{"namespace": "hive://metastore:9083", "name": "stg.orders", "field": "dt",
                      "transformations": [{"type": "INDIRECT", "subtype": "GROUP_BY"}]}]
       }}}
  ]
}`

func TestOpenLineageColumns(t *testing.T) {
	ctx := context.Background()
	g := newStore(t)
	srv := MustServe(t, g, 0)
	replace := func(old, new string) string {
		t.Helper()
		if !strings.Contains(olColumnsEvent, old) {
			t.Fatalf("fixture has no %q", old)
		}
		return strings.Replace(olColumnsEvent, old, new, 1)
	}
	const out = "outputs[0].facets.columnLineage"
	for _, tt := range []struct {
		name, body, field string
	}{
		{"schema field without name", replace(`{"name": "revenue"}`, `{"type": "int"}`), "outputs[0].facets.schema.fields[1].name"},
		{"schema fields not a list", replace(`"schema": {"fields": [{"name": "dt"}, {"name": "revenue"}]}`, `"schema": {"fields": "dt"}`), "outputs.facets.schema.fields"},
		{"input schema field empty", replace(`{"name": "dt", "type": "date"}`, `{"name": " ", "type": "date"}`), "inputs[0].facets.schema.fields[2].name"},
		{"column lineage without fields", replace(`"_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
         "fields": {`, `"_schemaURL": "y", "other": {`), out + ".fields"},
		{"input field without field", replace(`"name": "ref.fx", "field": "rate"`, `"name": "ref.fx"`), out + ".fields.revenue.inputFields[1].field"},
		{"input field without name", replace(`"name": "ref.fx", "field": "rate"`, `"field": "rate"`), out + ".fields.revenue.inputFields[1].name"},
		{"input field without namespace", replace(`{"namespace": "hive://metastore:9083", "name": "ref.fx", "field": "rate"}`, `{"name": "ref.fx", "field": "rate"}`), out + ".fields.revenue.inputFields[1].namespace"},
		{"bad transformation type", replace(`"type": "INDIRECT", "subtype": "FILTER"`, `"type": "SIDEWAYS"`), out + ".fields.revenue.inputFields[2].transformations[0].type"},
		{"dataset entry without field", replace(`"name": "stg.orders", "field": "dt",
                      "transformations"`, `"name": "stg.orders", "transformations"`), out + ".dataset[0].field"},
		{"inputFields not a list", replace(`"dt": {"inputFields": [{"namespace": "hive://metastore:9083", "name": "stg.orders", "field": "dt"}]}`, `"dt": {"inputFields": {}}`), "outputs.facets.columnLineage.fields.inputFields"},
		{"column lineage on an input", replace(`{"namespace": "hive://metastore:9083", "name": "ref.fx"}`, `{"namespace": "hive://metastore:9083", "name": "ref.fx", "facets": {"columnLineage": {"fields": {}}}}`), "inputs[1].facets.columnLineage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, tt.body)
			if status != 400 || errOf(body)["field"] != tt.field {
				t.Fatalf("got %d %v, want 400 naming %s", status, body, tt.field)
			}
			if c, _ := g.Counts(ctx); c.Jobs != 0 {
				t.Fatalf("a malformed event stored a job")
			}
		})
	}

	status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, olColumnsEvent)
	if status != 201 {
		t.Fatalf("got %d %v", status, body)
	}
	j, err := g.Job(ctx, "spark-prod:orders_daily")
	if err != nil {
		t.Fatal(err)
	}
	col := func(t, c string) lineage.ColumnName { return lineage.ColumnName{Table: t, Column: c} }
	want := lineage.JobColumns{
		Refs: []lineage.ColumnRef{
			{ColumnName: col("ref.fx", "rate"), Kind: lineage.UseValue},
			{ColumnName: col("stg.orders", "amount"), Kind: lineage.UseValue},
			{ColumnName: col("stg.orders", "dt"), Kind: lineage.UseGrouping},
			{ColumnName: col("stg.orders", "dt"), Kind: lineage.UseValue},
			{ColumnName: col("stg.orders", "status"), Kind: lineage.UseFilter},
		},
		Flows: []lineage.ColumnFlow{
			{Target: col("mart.orders_daily", "dt"), Sources: []lineage.ColumnName{col("stg.orders", "dt")}},
			{Target: col("mart.orders_daily", "revenue"), Sources: []lineage.ColumnName{col("ref.fx", "rate"), col("stg.orders", "amount")}},
		},
		Declares: []lineage.TableSchema{
			{Table: "mart.orders_daily", Columns: []string{"dt", "revenue"}},
			{Table: "stg.orders", Columns: []string{"address", "amount", "dt", "id", "status"}},
		},
	}
	if !reflect.DeepEqual(j.Columns, want) {
		t.Fatalf("stored columns\n%+v\nwant\n%+v", j.Columns, want)
	}
	cs := g.(lineage.ColumnStore)
	infos, err := cs.Columns(ctx, "stg.orders")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, ci := range infos {
		if ci.Declared {
			declared = append(declared, ci.Name)
		}
	}
	if !reflect.DeepEqual(declared, want.Declares[1].Columns) {
		t.Fatalf("declared columns of stg.orders = %v, want %v", declared, want.Declares[1].Columns)
	}
	impact, err := lineage.ComputeColumnImpact(ctx, g, cs, "stg.orders", []string{"status"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := impactRoles(impact); !reflect.DeepEqual(got, map[string]lineage.ImpactRole{"spark-prod:orders_daily": lineage.ImpactMustAct}) {
		t.Fatalf("impact of dropping stg.orders.status = %v, want the job as MUST_ACT", got)
	}

	// The hash covers the column lineage: another flow, another hash.
	before := j.Hash
	if status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, replace(`"field": "rate"`, `"field": "rate_eur"`)); status != 201 {
		t.Fatalf("got %d %v", status, body)
	}
	if j, err = g.Job(ctx, "spark-prod:orders_daily"); err != nil || j.Hash == before {
		t.Fatalf("hash %q unchanged after the column lineage changed (%v)", before, err)
	}

	// An input field naming a dataset the inputs leave out: the job reads
	// it, so that column impact, which starts from readers, finds it.
	ev := strings.Replace(olColumnsEvent, `,
    {"namespace": "hive://metastore:9083", "name": "ref.fx"}`, ``, 1)
	ev = strings.Replace(ev, `"name": "orders_daily"}`, `"name": "orders_daily_2"}`, 1)
	if strings.Contains(ev, `"name": "ref.fx"}`) || !strings.Contains(ev, "orders_daily_2") {
		t.Fatal("the fixture did not change as the test meant")
	}
	if status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, ev); status != 201 {
		t.Fatalf("got %d %v", status, body)
	}
	if j, err = g.Job(ctx, "spark-prod:orders_daily_2"); err != nil || !reflect.DeepEqual(j.Reads, []string{"ref.fx", "stg.orders"}) {
		t.Fatalf("reads %v (%v), want ref.fx added from the column lineage", j.Reads, err)
	}
}

// impactRoles maps each impacted job's id to its role.
func impactRoles(im *lineage.Impact) map[string]lineage.ImpactRole {
	m := map[string]lineage.ImpactRole{}
	for _, o := range im.Owners {
		for _, j := range o.Jobs {
			m[j.Job.ID] = j.Role
		}
	}
	return m
}
