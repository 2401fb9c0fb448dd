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

// TestHint checks that a server's hint ends every refusal: the middleware's
// 401s and Require's error, so the person sees where the token is.
func TestHint(t *testing.T) {
	toks := MustParse(t, "")
	if err := toks.Add("local", "0123456789abcdef0123"); err != nil {
		t.Fatal(err)
	}
	if err := toks.Add("other", "0123456789abcdef0123"); err == nil || !strings.Contains(err.Error(), `repeats the token of "local"`) {
		t.Fatalf("duplicate Add: %v", err)
	}
	if err := toks.Add("short", "abc"); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Fatalf("short Add: %v", err)
	}
	toks.SetHint("The local token is in /tmp/x/lineage.db-token.")
	var required error
	h := toks.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, required = auth.Require(r.Context())
	}), false)
	for _, tt := range []struct{ header, want string }{
		{"Bearer wrong-token-0123456789", "not known to this server. The local token is in /tmp/x/lineage.db-token."},
		{"Basic abc", "must be: Bearer TOKEN. The local token is in"},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/graphql", nil)
		req.Header.Set("Authorization", tt.header)
		h.ServeHTTP(rec, req)
		if rec.Code != 401 || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s: %d %s, want 401 with %q", tt.header, rec.Code, rec.Body, tt.want)
		}
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/graphql", nil))
	if required == nil || !strings.HasSuffix(lineage.ErrorMessage(required), "The local token is in /tmp/x/lineage.db-token.") {
		t.Errorf("Require without a token: %v", required)
	}
	if name, ok := toks.Lookup("0123456789abcdef0123"); !ok || name != "local" {
		t.Errorf("Lookup = %q, %v", name, ok)
	}
}
