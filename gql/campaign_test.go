package gql_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/gql"
)

// MustCampaignServer returns a handler with a campaign service over the
// fixture store and the built-in tracker.
func MustCampaignServer(tb testing.TB) *server {
	tb.Helper()
	g := MustOpenGraph(tb)
	svc := &campaigns.Service{
		Graph:   g,
		Store:   g,
		Tracker: campaigns.NewBuiltinTracker(g, "http://lineage.test", nil),
	}
	return MustServer(tb, g, gql.Config{Campaigns: svc})
}

// mustDo runs an operation with the token and fails on any error.
func (s *server) mustDo(tb testing.TB, query string, vars map[string]any, out any) {
	tb.Helper()
	r := s.do(tb, query, vars, true)
	if len(r.Errors) != 0 {
		tb.Fatalf("%s: errors %+v", query, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		tb.Fatal(err)
	}
}

func TestCampaigns(t *testing.T) {
	srv := MustCampaignServer(t)
	deadline := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)

	const start = `mutation($in: StartCampaignInput!) { startCampaign(input: $in) {
		dryRun
		campaign { id title state creator reach table { name } deadline targets { owner { handle email } role hops jobs state } }
		impact { totals { owners mustAct informed } }
		tickets { owner { handle } summary due }
	} }`
	type payload struct {
		StartCampaign struct {
			DryRun   bool
			Campaign struct {
				ID, Title, State, Creator, Reach, Deadline string
				Table                                      struct{ Name string }
				Targets                                    []struct {
					Owner struct{ Handle, Email string }
					Role  string
					Hops  int
					Jobs  []string
					State string
				}
			}
			Impact struct {
				Totals struct{ Owners, MustAct, Informed int }
			}
			Tickets []struct {
				Owner   struct{ Handle string }
				Summary string
			}
		}
	}

	t.Run("DryRunStoresNothing", func(t *testing.T) {
		var p payload
		srv.mustDo(t, start, map[string]any{"in": map[string]any{"table": "ODS.orders", "title": "Retire ods.orders", "dryRun": true, "deadline": deadline}}, &p)
		s := p.StartCampaign
		if !s.DryRun || s.Campaign.Table.Name != "ods.orders" || len(s.Tickets) != 2 || s.Impact.Totals.MustAct != 2 {
			t.Errorf("preview %+v", s)
		}
		var list struct {
			Campaigns struct{ Nodes []struct{ ID string } }
		}
		srv.mustDo(t, `{ campaigns { nodes { id } } }`, nil, &list)
		if len(list.Campaigns.Nodes) != 0 {
			t.Errorf("a dry run stored campaigns: %+v", list)
		}
		// The preview's event log is empty, not an error: nothing was stored.
		var ev struct {
			StartCampaign struct {
				Campaign struct{ Events []struct{ Kind string } }
			}
		}
		srv.mustDo(t, `mutation($in: StartCampaignInput!) { startCampaign(input: $in) { campaign { events { kind } } } }`,
			map[string]any{"in": map[string]any{"table": "ods.orders", "title": "Retire ods.orders", "dryRun": true}}, &ev)
		if ev.StartCampaign.Campaign.Events == nil || len(ev.StartCampaign.Campaign.Events) != 0 {
			t.Errorf("dry-run events = %+v, want an empty list", ev.StartCampaign.Campaign.Events)
		}
	})

	t.Run("PreviewIsAQueryOpenToReaders", func(t *testing.T) {
		const preview = `query($in: StartCampaignInput!) { campaignPreview(input: $in) {
			dryRun campaign { id creator } impact { totals { mustAct } } tickets { owner { handle } description } } }`
		r := srv.do(t, preview, map[string]any{"in": map[string]any{"table": "ods.orders", "title": "Retire ods.orders", "dryRun": false}}, false)
		if len(r.Errors) != 0 {
			t.Fatalf("preview without a token: %+v", r.Errors)
		}
		var p struct {
			CampaignPreview struct {
				DryRun   bool
				Campaign struct{ ID, Creator string }
				Impact   struct{ Totals struct{ MustAct int } }
				Tickets  []struct{ Description string }
			}
		}
		if err := json.Unmarshal(r.Data, &p); err != nil {
			t.Fatal(err)
		}
		c := p.CampaignPreview
		if !c.DryRun || c.Campaign.ID != "" || c.Impact.Totals.MustAct != 2 || len(c.Tickets) != 2 {
			t.Fatalf("preview %+v", c)
		}
		if d := c.Tickets[0].Description; strings.Contains(d, "Campaign ,") {
			t.Errorf("ticket body names an empty campaign id: %q", d)
		}
		var list struct {
			Campaigns struct{ Nodes []struct{ ID string } }
		}
		srv.mustDo(t, `{ campaigns { nodes { id } } }`, nil, &list)
		if len(list.Campaigns.Nodes) != 0 {
			t.Errorf("a preview stored campaigns (dryRun: false was not ignored): %+v", list)
		}
	})

	t.Run("PreviewTicketsPage", func(t *testing.T) {
		in := map[string]any{"in": map[string]any{"table": "ods.orders", "title": "Retire ods.orders", "reach": "TRANSITIVE"}}
		handles := func(args string) string {
			t.Helper()
			r := srv.do(t, `query($in: StartCampaignInput!) { campaignPreview(input: $in) { ticketCount tickets`+args+` { owner { handle } } } }`, in, false)
			if len(r.Errors) != 0 {
				t.Fatalf("tickets%s: %+v", args, r.Errors)
			}
			return string(r.Data)
		}
		all := handles("")
		const want = `{"campaignPreview":{"ticketCount":4,"tickets":[{"owner":{"handle":"bob"}},{"owner":{"handle":"carol"}},{"owner":{"handle":"dan"}},{"owner":{"handle":"erin"}}]}}`
		if all != want {
			t.Fatalf("all tickets = %s, want %s", all, want)
		}
		for _, c := range []struct{ args, want string }{
			{`(first: 1)`, `{"owner":{"handle":"bob"}}`},
			{`(first: 2, offset: 1)`, `{"owner":{"handle":"carol"}},{"owner":{"handle":"dan"}}`},
			{`(offset: 4)`, ``},
		} {
			if got, want := handles(c.args), `{"campaignPreview":{"ticketCount":4,"tickets":[`+c.want+`]}}`; got != want {
				t.Errorf("tickets%s = %s, want %s", c.args, got, want)
			}
		}
		r := srv.do(t, `query($in: StartCampaignInput!) { campaignPreview(input: $in) { tickets(offset: -1) { summary } } }`, in, false)
		if len(r.Errors) != 1 || r.Errors[0].code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "offset" {
			t.Errorf("tickets(offset: -1): errors %+v, want one BAD_USER_INPUT on field offset", r.Errors)
		}
	})

	var id string
	t.Run("Start", func(t *testing.T) {
		var p payload
		srv.mustDo(t, start, map[string]any{"in": map[string]any{"table": "ods.orders", "replacement": "ods.orders_v2", "title": "Move to ods.orders_v2", "reach": "TRANSITIVE", "deadline": deadline}}, &p)
		c := p.StartCampaign.Campaign
		id = c.ID
		if p.StartCampaign.DryRun || id == "" || c.State != "ACTIVE" || c.Creator != "ci" || c.Reach != "TRANSITIVE" || c.Deadline == "" {
			t.Errorf("campaign %+v", c)
		}
		var owners []string
		for _, tg := range c.Targets {
			owners = append(owners, tg.Owner.Handle+":"+tg.Role)
			if tg.Owner.Email != tg.Owner.Handle+"@shop.example" {
				t.Errorf("target owner %+v lacks details", tg.Owner)
			}
		}
		if got := strings.Join(owners, ","); got != "bob:ACT,carol:INFORM,dan:INFORM,erin:ACT" {
			t.Errorf("targets %s", got)
		}
	})
	if id == "" {
		t.Fatal("no campaign")
	}

	type campaign struct {
		Campaign struct {
			State    string
			Tracker  string
			Progress struct{ Total, Complete, Open, Pending, Cancelled int }
			Events   []struct{ Actor, Kind string }
			Targets  []struct {
				Owner        struct{ Handle string }
				TicketKey    string
				TicketStatus *string
				Ticket       *struct {
					Key, Status, Owner string
					Comments           []struct{ Body string }
				}
			}
		}
	}
	const get = `query($id: ID!) { campaign(id: $id) { state tracker progress { total complete open pending cancelled }
		events { actor kind } targets { owner { handle } ticketKey ticketStatus ticket { key status owner comments { body } } } } }`

	t.Run("SyncCreatesTickets", func(t *testing.T) {
		var out struct{ SyncCampaign struct{ ID string } }
		srv.mustDo(t, `mutation($id: ID!) { syncCampaign(id: $id) { id } }`, map[string]any{"id": id}, &out)
		var c campaign
		srv.mustDo(t, get, map[string]any{"id": id}, &c)
		if c.Campaign.Tracker != "builtin" || c.Campaign.Progress.Total != 4 || c.Campaign.Progress.Open != 4 {
			t.Errorf("campaign %+v", c.Campaign)
		}
		for _, tg := range c.Campaign.Targets {
			if tg.Ticket == nil || tg.Ticket.Key != tg.TicketKey || tg.TicketStatus == nil || *tg.TicketStatus != "TODO" || tg.Ticket.Owner != tg.Owner.Handle {
				t.Errorf("target %+v", tg)
			}
		}
		if len(c.Campaign.Events) == 0 || c.Campaign.Events[0].Actor != "ci" {
			t.Errorf("events %+v", c.Campaign.Events)
		}
	})

	t.Run("SetTicketStatus", func(t *testing.T) {
		var c campaign
		srv.mustDo(t, get, map[string]any{"id": id}, &c)
		key := c.Campaign.Targets[0].TicketKey
		var out struct{ SetTicketStatus struct{ Key, Status string } }
		srv.mustDo(t, `mutation($k: String!) { setTicketStatus(key: $k, status: IN_PROGRESS, comment: "on it") { key status } }`, map[string]any{"k": key}, &out)
		if out.SetTicketStatus.Key != key || out.SetTicketStatus.Status != "IN_PROGRESS" {
			t.Errorf("ticket %+v", out)
		}
	})

	t.Run("Ticket", func(t *testing.T) {
		var c campaign
		srv.mustDo(t, get, map[string]any{"id": id}, &c)
		tg := c.Campaign.Targets[0]
		var out struct {
			Ticket struct{ Key, CampaignID, Owner, Status string }
		}
		srv.mustDo(t, `query($k: String!) { ticket(key: $k) { key campaignId owner status } }`, map[string]any{"k": " " + tg.TicketKey + " "}, &out)
		if out.Ticket.Key != tg.TicketKey || out.Ticket.CampaignID != id || out.Ticket.Owner != tg.Owner.Handle || out.Ticket.Status != "IN_PROGRESS" {
			t.Errorf("ticket %+v, want %s of %s in progress", out.Ticket, tg.TicketKey, tg.Owner.Handle)
		}
	})

	t.Run("ListAndCancel", func(t *testing.T) {
		var list struct {
			Campaigns struct {
				Nodes    []struct{ ID string }
				PageInfo struct{ HasNextPage bool }
			}
		}
		srv.mustDo(t, `{ campaigns(state: ACTIVE, first: 10) { nodes { id } pageInfo { hasNextPage } } }`, nil, &list)
		if len(list.Campaigns.Nodes) != 1 || list.Campaigns.Nodes[0].ID != id || list.Campaigns.PageInfo.HasNextPage {
			t.Errorf("list %+v", list)
		}
		var out struct{ CancelCampaign struct{ State string } }
		srv.mustDo(t, `mutation($id: ID!) { cancelCampaign(id: $id, reason: "plans changed") { state } }`, map[string]any{"id": id}, &out)
		if out.CancelCampaign.State != "CANCELLED" {
			t.Errorf("state %s", out.CancelCampaign.State)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		tests := []struct {
			name, query string
			vars        map[string]any
			code, path  string
			field       string
		}{
			{"UnknownCampaign", `{ campaign(id: "nope") { id } }`, nil, gql.CodeNotFound, `["campaign"]`, ""},
			{"UnknownTicket", `{ ticket(key: "LIN-999") { key } }`, nil, gql.CodeNotFound, `["ticket"]`, ""},
			{"EmptyTicketKey", `{ ticket(key: " ") { key } }`, nil, gql.CodeBadUserInput, `["ticket"]`, "key"},
			{"EmptyTitle", start, map[string]any{"in": map[string]any{"table": "ods.orders", "title": " "}}, gql.CodeBadUserInput, `["startCampaign"]`, "input.title"},
			{"PastDeadline", start, map[string]any{"in": map[string]any{"table": "ods.orders", "title": "x", "deadline": "2001-01-01T00:00:00Z"}}, gql.CodeBadUserInput, `["startCampaign"]`, "input.deadline"},
			{"UnknownTable", start, map[string]any{"in": map[string]any{"table": "no.such", "title": "x"}}, gql.CodeNotFound, `["startCampaign"]`, ""},
			{"CancelTwice", `mutation($id: ID!) { cancelCampaign(id: $id, reason: "again") { id } }`, map[string]any{"id": id}, gql.CodeConflict, `["cancelCampaign"]`, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := srv.do(t, tt.query, tt.vars, true)
				if len(r.Errors) != 1 {
					t.Fatalf("errors %+v", r.Errors)
				}
				e := r.Errors[0]
				f, _ := e.Extensions["field"].(string)
				if e.code() != tt.code || pathString(e.Path) != tt.path || f != tt.field {
					t.Errorf("error %+v, want %s at %s field %q", e, tt.code, tt.path, tt.field)
				}
			})
		}
	})
	if s := srv.log.String(); s != "" {
		t.Errorf("logged:\n%s", s)
	}
}

func TestParse(t *testing.T) {
	srv := MustServer(t, MustOpenGraph(t), gql.Config{})
	t.Run("OK", func(t *testing.T) {
		var out struct {
			Parse struct {
				Reads, Writes []string
				Statements    []struct {
					Line       int
					Kind       string
					Confidence string
				}
				JSON string
			}
			Dialects []string
		}
		srv.mustDo(t, `query($sql: String!) { parse(sql: $sql, dialect: "spark", vars: {ds: "2024-06-01"}) { reads writes statements { line kind confidence } json } dialects }`,
			map[string]any{"sql": "INSERT OVERWRITE TABLE dws.daily PARTITION (dt = '${ds}')\nSELECT * FROM dwd.orders o JOIN dwd.customers c ON o.cid = c.id WHERE dt = '${ds}'"}, &out)
		p := out.Parse
		if strings.Join(p.Reads, ",") != "dwd.customers,dwd.orders" || strings.Join(p.Writes, ",") != "dws.daily" {
			t.Errorf("parse %+v", p)
		}
		if len(p.Statements) != 1 || p.Statements[0].Line != 1 {
			t.Errorf("statements %+v", p.Statements)
		}
		var js map[string]any
		if err := json.Unmarshal([]byte(p.JSON), &js); err != nil || js["reads"] == nil {
			t.Errorf("json %q: %v", p.JSON, err)
		}
		if len(out.Dialects) < 2 {
			t.Errorf("dialects %v", out.Dialects)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		tests := []struct {
			name, query string
			field       string
		}{
			{"UnknownDialect", `{ parse(sql: "SELECT 1", dialect: "cobol") { reads } }`, ""},
			{"BadVars", `{ parse(sql: "SELECT 1", vars: {ds: {nested: 1}}) { reads } }`, "vars.ds"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := srv.do(t, tt.query, nil, false)
				if len(r.Errors) != 1 || r.Errors[0].code() != gql.CodeBadUserInput {
					t.Fatalf("errors %+v", r.Errors)
				}
				if f, _ := r.Errors[0].Extensions["field"].(string); tt.field != "" && f != tt.field {
					t.Errorf("field %q, want %q", f, tt.field)
				}
			})
		}
	})
	if s := srv.log.String(); s != "" {
		t.Errorf("logged:\n%s", s)
	}
}

// TestTargetJobsPage checks that a target's jobs and tables page with first
// and offset, and that jobCount and tableCount count them all.
func TestTargetJobsPage(t *testing.T) {
	g := mustOpenBobThrice(t)
	srv := MustServer(t, g, gql.Config{Campaigns: &campaigns.Service{Graph: g, Store: g, Tracker: campaigns.NewBuiltinTracker(g, "http://lineage.test", nil)}})
	var started struct {
		StartCampaign struct{ Campaign struct{ ID string } }
	}
	srv.mustDo(t, `mutation($in: StartCampaignInput!) { startCampaign(input: $in) { campaign { id } } }`,
		map[string]any{"in": map[string]any{"table": "ods.orders", "title": "Retire ods.orders", "reach": "TRANSITIVE"}}, &started)
	id := started.StartCampaign.Campaign.ID
	type target struct {
		Owner              struct{ Handle string }
		Jobs, Tables       []string
		First, Rest        []string
		FirstT, RestT      []string
		JobCount, TableCnt int
	}
	var got struct{ Campaign struct{ Targets []target } }
	srv.mustDo(t, `query($id: ID!) { campaign(id: $id) { targets { owner { handle } jobs tables
		first: jobs(first: 1) rest: jobs(offset: 1) jobCount
		firstT: tables(first: 1) restT: tables(offset: 1) tableCnt: tableCount } } }`, map[string]any{"id": id}, &got)
	if len(got.Campaign.Targets) != 4 {
		t.Fatalf("targets %+v", got.Campaign.Targets)
	}
	paged := 0
	for _, tg := range got.Campaign.Targets {
		if len(tg.Jobs) == 0 || len(tg.Tables) == 0 {
			t.Errorf("target %s: no jobs or tables: %+v", tg.Owner.Handle, tg)
			continue
		}
		if tg.JobCount != len(tg.Jobs) || tg.TableCnt != len(tg.Tables) ||
			!slices.Equal(append(slices.Clone(tg.First), tg.Rest...), tg.Jobs) || len(tg.First) != 1 ||
			!slices.Equal(append(slices.Clone(tg.FirstT), tg.RestT...), tg.Tables) || len(tg.FirstT) != 1 {
			t.Errorf("target %s: pages do not make up the whole: %+v", tg.Owner.Handle, tg)
		}
		if len(tg.Jobs) > 1 || len(tg.Tables) > 1 {
			paged++
		}
	}
	if paged == 0 {
		t.Errorf("no target has two jobs or tables: the test pages nothing")
	}
}
