package lineage_test

import (
	"testing"
	"time"

	"github.com/lineagehq/lineage"
)

func TestCampaignNormalize(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		c     lineage.Campaign
		field string // "" means valid
	}{
		{"Defaults", lineage.Campaign{Table: " Sales.Orders ", Title: "Retire", Targets: []lineage.Target{{Owner: "Bob"}}}, ""},
		{"NoTable", lineage.Campaign{Title: "Retire"}, "table"},
		{"NoTitle", lineage.Campaign{Table: "t", Title: "  "}, "title"},
		{"BadReach", lineage.Campaign{Table: "t", Title: "x", Reach: "ALL"}, "reach"},
		{"BadState", lineage.Campaign{Table: "t", Title: "x", State: "DONE"}, "state"},
		{"BadRole", lineage.Campaign{Table: "t", Title: "x", Targets: []lineage.Target{{Owner: "a", Role: "BOSS"}}}, "targets[0].role"},
		{"BadTargetState", lineage.Campaign{Table: "t", Title: "x", Targets: []lineage.Target{{Owner: "a", State: "X"}}}, "targets[0].state"},
		{"BadVerification", lineage.Campaign{Table: "t", Title: "x", Targets: []lineage.Target{{Owner: "a", Verification: "X"}}}, "targets[0].verification"},
		{"BadTicketStatus", lineage.Campaign{Table: "t", Title: "x", Targets: []lineage.Target{{Owner: "a", TicketStatus: "CLOSED"}}}, "targets[0].ticketStatus"},
		{"NoOwner", lineage.Campaign{Table: "t", Title: "x", Targets: []lineage.Target{{Owner: " "}}}, "targets[0].owner"},
		{"DuplicateOwner", lineage.Campaign{Table: "t", Title: "x", Targets: []lineage.Target{{Owner: "a"}, {Owner: "A"}}}, "targets[1].owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			err := c.Normalize(now)
			if tt.field != "" {
				if lineage.ErrorCode(err) != lineage.EINVALID || lineage.ErrorField(err) != tt.field {
					t.Fatalf("err = %v (field %q), want EINVALID on %s", err, lineage.ErrorField(err), tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tg := c.Targets[0]
			if c.Table != "sales.orders" || c.Reach != lineage.ReachDirect || c.State != lineage.CampaignActive ||
				!c.CreatedAt.Equal(now) || !c.UpdatedAt.Equal(now) {
				t.Errorf("campaign defaults: %+v", c)
			}
			if tg.Owner != "bob" || tg.Role != lineage.RoleAct || tg.State != lineage.TargetPending ||
				tg.Verification != lineage.VerifyUnknown || !tg.CreatedAt.Equal(now) || !tg.UpdatedAt.Equal(now) {
				t.Errorf("target defaults: %+v", tg)
			}
		})
	}
}

func TestTicketNormalize(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		tk    lineage.Ticket
		field string
	}{
		{"Defaults", lineage.Ticket{CampaignID: "c1", Summary: "Move"}, ""},
		{"NoCampaign", lineage.Ticket{Summary: "Move"}, "campaignId"},
		{"NoSummary", lineage.Ticket{CampaignID: "c1", Summary: " "}, "summary"},
		{"BadStatus", lineage.Ticket{CampaignID: "c1", Summary: "Move", Status: "CLOSED"}, "status"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tk := tt.tk
			err := tk.Normalize(now)
			if tt.field != "" {
				if lineage.ErrorCode(err) != lineage.EINVALID || lineage.ErrorField(err) != tt.field {
					t.Fatalf("err = %v, want EINVALID on %s", err, tt.field)
				}
				return
			}
			if err != nil || tk.Status != lineage.TicketTodo || !tk.CreatedAt.Equal(now) || !tk.UpdatedAt.Equal(now) {
				t.Fatalf("Normalize = %v, %+v", err, tk)
			}
		})
	}
}
