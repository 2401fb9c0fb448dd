package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestColumnCampaignOnSample is the column story on the sample warehouse
// that `lineage serve` loads: a dry-run campaign dropping
// dwd.fact_orders.status tickets exactly the owners whose jobs use the
// column (carol and dan use it only in WHERE), asks frank, whose job reads
// the table through SELECT *, to check, and spares the other readers.
func TestColumnCampaignOnSample(t *testing.T) {
	const token = "col-test-token-0123456789abcdef"
	m := MustRunMain(t, filepath.Join(t.TempDir(), "lineage.db"), func(c *serveConfig) { c.Tokens = "ci:" + token })
	query := `mutation { startCampaign(input: {table: "dwd.fact_orders", columns: ["status"], change: DROP,
		title: "Drop dwd.fact_orders.status", dryRun: true}) {
		campaign { columns change targets { owner { handle } role detail } }
		impact { mustAct { owner { handle } jobs { job { id } uses { name kind line } } }
		         mayUse { owner { handle } jobs { job { id } reason } }
		         spared { handle } }
		tickets { summary description } } }`
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, "http://"+m.Addr()+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	type owner struct{ Handle string }
	var out struct {
		Data struct {
			StartCampaign struct {
				Campaign struct {
					Columns []string
					Change  string
					Targets []struct {
						Owner  owner
						Role   string
						Detail string
					}
				}
				Impact struct {
					MustAct []struct {
						Owner owner
						Jobs  []struct {
							Job  struct{ ID string }
							Uses []struct {
								Name, Kind string
								Line       int
							}
						}
					}
					MayUse []struct {
						Owner owner
						Jobs  []struct {
							Job    struct{ ID string }
							Reason string
						}
					}
					Spared []owner
				}
				Tickets []struct{ Summary, Description string }
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("errors: %+v", out.Errors)
	}
	sc := out.Data.StartCampaign
	handles := func(os []owner) []string {
		var hs []string
		for _, o := range os {
			hs = append(hs, o.Handle)
		}
		return hs
	}
	var targets, mustAct, mayUse []string
	for _, tg := range sc.Campaign.Targets {
		targets = append(targets, tg.Owner.Handle+":"+tg.Role)
	}
	for _, o := range sc.Impact.MustAct {
		mustAct = append(mustAct, o.Owner.Handle)
		for _, j := range o.Jobs {
			for _, u := range j.Uses {
				if u.Name != "dwd.fact_orders.status" || u.Kind != "FILTER" || u.Line == 0 {
					t.Errorf("%s uses %+v; want dwd.fact_orders.status as a FILTER with its line", j.Job.ID, u)
				}
			}
		}
	}
	for _, o := range sc.Impact.MayUse {
		mayUse = append(mayUse, o.Owner.Handle)
	}
	check := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("must act", mustAct, []string{"carol", "dan"})
	check("may use", mayUse, []string{"frank"})
	check("spared", handles(sc.Impact.Spared), []string{"bob", "erin", "grace"})
	check("targets", targets, []string{"carol:ACT", "dan:ACT", "frank:ACT"})
	check("campaign columns", sc.Campaign.Columns, []string{"status"})
	if sc.Campaign.Change != "DROP" {
		t.Errorf("change = %q, want DROP", sc.Campaign.Change)
	}
	if len(sc.Impact.MayUse) == 1 && !strings.Contains(sc.Impact.MayUse[0].Jobs[0].Reason, "dwd.fact_orders.*") {
		t.Errorf("frank's reason = %q, want it to name the star", sc.Impact.MayUse[0].Jobs[0].Reason)
	}
	for _, tk := range sc.Tickets {
		if !strings.Contains(tk.Description, "status") {
			t.Errorf("ticket %q does not name the column: %s", tk.Summary, tk.Description)
		}
	}
}
