package gql

import (
	"net/http"
	"net/url"

	"github.com/99designs/gqlgen/graphql/playground"
)

// Examples is the document the playground opens with: one named operation per
// feature, on tables of the sample warehouse (examples/warehouse). GraphiQL's
// run button offers each by name.
const Examples = `# Lineage of the sample warehouse (examples/warehouse). Run any operation
# below by name from the run button. Reads are open; mutations need a token:
# under Headers put {"Authorization": "Bearer YOUR_TOKEN"}.

# Everything built from ods.orders, three table hops down, with owners.
query Downstream {
  lineage(table: "ods.orders", direction: DOWNSTREAM, depth: 3) {
    truncated
    tables { name }
    jobs { id path owner { handle team } }
    edges { job table kind }
  }
}

# Where a table's data comes from.
query Upstream {
  lineage(table: "dws.revenue_daily", direction: UPSTREAM, depth: 5) {
    tables { name }
    edges { job table kind }
  }
}

# One table: who writes it, who reads it, who owns it.
query Table {
  table(name: "ods.orders") {
    name
    writers { id path }
    readers { id owner { handle email } writes { name } }
    owners { handle team email }
  }
}

# Who must act if ods.orders changes, and who is downstream of them.
query Impact {
  impact(table: "ods.orders", depth: 3) {
    totals { owners mustAct informed jobs tables }
    mustAct { owner { handle email jiraUser } jobs { job { id } reads { name } } }
    informed { owner { handle } hops tables { name } }
  }
}

# Tables, jobs and owners by name, a page at a time.
query Search {
  search(query: "orders", first: 10) {
    hits { kind name }
    pageInfo { endCursor hasNextPage }
  }
}

# What the parser makes of a script (nothing is stored).
query Parse {
  parse(
    sql: "INSERT OVERWRITE TABLE dws.daily PARTITION (dt = '${ds}') SELECT * FROM dwd.orders WHERE dt = '${ds}'"
    dialect: "spark"
    vars: {ds: "2024-06-01"}
  ) {
    reads
    writes
    warnings { line column message }
  }
}

# Campaigns, newest first.
query Campaigns {
  campaigns(first: 10) {
    nodes { id title state table { name } progress { total complete open pending } }
    pageInfo { endCursor hasNextPage }
  }
}

# What a campaign would ask of whom; dryRun stores nothing (needs a token).
mutation PreviewCampaign {
  startCampaign(input: {table: "ods.orders", replacement: "ods.orders_v2", title: "Move from ods.orders to ods.orders_v2", dryRun: true}) {
    dryRun
    impact { totals { owners mustAct informed } }
    tickets { owner { handle } summary }
  }
}
`

// PlaygroundHandler serves GraphiQL (gqlgen's page; the browser loads it from
// a CDN) for the GraphQL endpoint at endpoint, opening with Examples. The
// editor keeps its state in the URL, so a link shares a query; a visit
// without one is redirected to the examples.
func PlaygroundHandler(endpoint string) http.Handler {
	page := playground.Handler("lineage GraphQL", endpoint, playground.WithGraphiqlPersistStateInURL(true))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.RawQuery == "" {
			// A relative Location keeps whatever prefix the handler is
			// mounted under.
			w.Header().Set("Location", "?"+url.Values{"query": {Examples}}.Encode())
			w.WriteHeader(http.StatusFound)
			return
		}
		page.ServeHTTP(w, r)
	})
}
