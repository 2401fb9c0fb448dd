package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
)

func MustParse(tb testing.TB, s string) *auth.Tokens {
	tb.Helper()
	t, err := auth.Parse(strings.NewReader(s), "test")
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		errHas   string
	}{
		{"Lines", "# ci tokens\nci:0123456789abcdef0123\n\nalice:abcdefabcdefabcdef\n", 2, ""},
		{"Inline", "ci:0123456789abcdef0123, alice:abcdefabcdefabcdef", 2, ""},
		{"Empty", "", 0, ""},
		{"NoColon", "justatoken", 0, "test:1: want name:token"},
		{"Short", "# x\nbob:short", 0, "test:2: token \"bob\" is 5 characters long"},
		{"Duplicate", "a:0123456789abcdef0123,b:0123456789abcdef0123", 0, "repeats the token of \"a\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := auth.Parse(strings.NewReader(tt.in), "test")
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.errHas)
				}
				if strings.Contains(err.Error(), "0123456789abcdef") {
					t.Errorf("error leaks a token: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if toks.Len() != tt.n {
				t.Errorf("Len = %d, want %d", toks.Len(), tt.n)
			}
		})
	}
}

func TestMiddleware(t *testing.T) {
	toks := MustParse(t, "ci:0123456789abcdef0123")
	var seen string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = lineage.ActorFrom(r.Context())
		w.WriteHeader(http.StatusNoContent)
	})
	tests := []struct {
		name       string
		header     string
		requireAll bool
		status     int
		actor      string
	}{
		{"NoHeaderOpenReads", "", false, http.StatusNoContent, ""},
		{"NoHeaderRequired", "", true, http.StatusUnauthorized, ""},
		{"Good", "Bearer 0123456789abcdef0123", true, http.StatusNoContent, "ci"},
		{"Unknown", "Bearer nope-nope-nope-nope", false, http.StatusUnauthorized, ""},
		{"NotBearer", "Basic Y2k6eA==", false, http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = "unset"
			r := httptest.NewRequest("POST", "/graphql", nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			w := httptest.NewRecorder()
			toks.Middleware(next, tt.requireAll).ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", w.Code, tt.status, w.Body)
			}
			if w.Code == http.StatusUnauthorized {
				if !strings.Contains(w.Body.String(), "UNAUTHENTICATED") || seen != "unset" {
					t.Errorf("refused request reached the handler or lacks the code: seen=%q body=%s", seen, w.Body)
				}
				return
			}
			if seen != tt.actor {
				t.Errorf("actor = %q, want %q", seen, tt.actor)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	if _, err := auth.Require(context.Background()); lineage.ErrorCode(err) != lineage.EUNAUTHORIZED {
		t.Errorf("Require without actor: %v, want EUNAUTHORIZED", err)
	}
	if a, err := auth.Require(lineage.WithActor(context.Background(), "ci")); err != nil || a != "ci" {
		t.Errorf("Require = %q, %v; want ci", a, err)
	}
}
