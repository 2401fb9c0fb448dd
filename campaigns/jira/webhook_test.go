package jira_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns/jira"
)

const secret = "s3cret-s3cret-s3cret"

func sign(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

type change struct {
	campaign, key string
	status        lineage.TicketStatus
	actor         string
}

func TestWebhook(t *testing.T) {
	good := mustRead(t, "webhook_issue_updated.json")
	tests := []struct {
		name     string
		method   string
		target   string
		body     []byte
		header   map[string]string
		cbErr    error
		status   int
		want     *change
		bodyLike string
	}{
		{name: "Signed", body: good, header: map[string]string{"X-Hub-Signature": sign(good, secret)}, status: 204,
			want: &change{"c1", "ED-1", lineage.TicketDone, "jira"}},
		{name: "SecretInQuery", target: "/hooks/jira?secret=" + secret, body: good, status: 204,
			want: &change{"c1", "ED-1", lineage.TicketDone, "jira"}},
		{name: "SecretHeader", body: good, header: map[string]string{"X-Lineage-Secret": secret}, status: 204,
			want: &change{"c1", "ED-1", lineage.TicketDone, "jira"}},
		{name: "NoSecret", body: good, status: 401},
		{name: "BadSecret", target: "/hooks/jira?secret=guess", body: good, status: 401},
		{name: "BadSignature", body: good, header: map[string]string{"X-Hub-Signature": sign(good, "other-secret-other")}, status: 401},
		{name: "SignatureNotHex", body: good, header: map[string]string{"X-Hub-Signature": "sha256=zz"}, status: 401},
		{name: "SignatureOtherAlgo", body: good, header: map[string]string{"X-Hub-Signature": "sha1=abc"}, status: 401},
		{name: "BadSignatureGoodQuery", target: "/hooks/jira?secret=" + secret, body: good, header: map[string]string{"X-Hub-Signature": sign(good, "x")}, status: 401},
		{name: "Get", method: http.MethodGet, target: "/hooks/jira?secret=" + secret, status: 405},
		{name: "Malformed", target: "/hooks/jira?secret=" + secret, body: mustRead(t, "webhook_malformed.json"), status: 400, bodyLike: "not JSON"},
		{name: "Trailing", target: "/hooks/jira?secret=" + secret, body: append(append([]byte{}, good...), []byte(`{}`)...), status: 400, bodyLike: "after its JSON"},
		{name: "NoEvent", target: "/hooks/jira?secret=" + secret, body: []byte(`{"issue":{"key":"ED-1"}}`), status: 400, bodyLike: "webhookEvent"},
		{name: "NoStatus", target: "/hooks/jira?secret=" + secret, body: mustRead(t, "webhook_no_status.json"), status: 400, bodyLike: "statusCategory"},
		{name: "NoKey", target: "/hooks/jira?secret=" + secret, body: []byte(`{"webhookEvent":"jira:issue_updated","issue":{"fields":{}}}`), status: 400, bodyLike: "issue.key"},
		{name: "BadCategory", target: "/hooks/jira?secret=" + secret, body: []byte(`{"webhookEvent":"jira:issue_updated","issue":{"key":"ED-1","fields":{"labels":["lineage-campaign-c1"],"status":{"statusCategory":{"key":"weird"}}}}}`), status: 400, bodyLike: "weird"},
		{name: "CommentEventIgnored", target: "/hooks/jira?secret=" + secret, body: mustRead(t, "webhook_comment_created.json"), status: 204},
		{name: "ForeignIssueIgnored", target: "/hooks/jira?secret=" + secret, body: mustRead(t, "webhook_foreign_issue.json"), status: 204},
		{name: "UnknownTicket", target: "/hooks/jira?secret=" + secret, body: good, cbErr: lineage.Errorf(lineage.ENOTFOUND, "no"), status: 204,
			want: &change{"c1", "ED-1", lineage.TicketDone, "jira"}},
		{name: "StoreDown", target: "/hooks/jira?secret=" + secret, body: good, cbErr: lineage.Errorf(lineage.EUNAVAILABLE, "down"), status: 503,
			want: &change{"c1", "ED-1", lineage.TicketDone, "jira"}},
		{name: "TooLarge", target: "/hooks/jira?secret=" + secret, body: bytes.Repeat([]byte(" "), 1<<20+10), status: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *change
			h, err := jira.NewWebhook(secret, func(ctx context.Context, campaignID, key string, st lineage.TicketStatus) error {
				got = &change{campaignID, key, st, lineage.ActorFrom(ctx)}
				return tt.cbErr
			})
			if err != nil {
				t.Fatal(err)
			}
			method, target := tt.method, tt.target
			if method == "" {
				method = http.MethodPost
			}
			if target == "" {
				target = "/hooks/jira"
			}
			r := httptest.NewRequest(method, target, bytes.NewReader(tt.body))
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if !strings.Contains(w.Body.String(), tt.bodyLike) {
				t.Fatalf("body %q, want it to mention %q", w.Body, tt.bodyLike)
			}
			switch {
			case tt.want == nil && got != nil:
				t.Fatalf("callback called with %+v", got)
			case tt.want != nil && (got == nil || *got != *tt.want):
				t.Fatalf("callback got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNewWebhook(t *testing.T) {
	ok := func(context.Context, string, string, lineage.TicketStatus) error { return nil }
	for _, tt := range []struct {
		name, secret string
		fn           jira.StatusFunc
		field        string
	}{
		{"Empty", "", ok, "jira.webhookSecret"},
		{"Short", "short", ok, "jira.webhookSecret"},
		{"NoCallback", secret, nil, "onStatus"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jira.NewWebhook(tt.secret, tt.fn)
			if lineage.ErrorField(err) != tt.field {
				t.Fatalf("got %v, want an error on %s", err, tt.field)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alice", "lineage-owner-alice"},
		{"team-payments", "lineage-owner-team-payments"},
		{"Team Payments", "lineage-owner-team_payments-"}, // escaped: hash appended
		{"team payments", "lineage-owner-team_payments-"}, // differs from the one above
		{"data@example.com", "lineage-owner-data_example.com-"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		got := jira.OwnerLabel(tt.in)
		if !strings.HasPrefix(got, tt.want) || strings.ContainsAny(got, " \t") || len(got) > 255 {
			t.Errorf("OwnerLabel(%q) = %q, want prefix %q", tt.in, got, tt.want)
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("OwnerLabel(%q) = OwnerLabel(%q) = %q", tt.in, prev, got)
		}
		seen[got] = tt.in
	}
	if got := jira.CampaignFromLabels([]string{"x", jira.CampaignLabel("c42")}); got != "c42" {
		t.Errorf("CampaignFromLabels = %q", got)
	}
	if long := jira.OwnerLabel(strings.Repeat("a", 600)); len(long) > 255 {
		t.Errorf("long label is %d bytes", len(long))
	}
}
