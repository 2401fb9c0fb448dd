// Package auth checks bearer tokens on HTTP requests.
//
// Each token has a name, which becomes the actor of what it does
// (lineage.WithActor). Tokens come from a file or the environment, never from
// the repository: see Parse.
package auth

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/lineagehq/lineage"
)

// Tokens is a set of named bearer tokens. The zero value holds no token, so
// every mutation is refused.
type Tokens struct {
	// byHash maps sha256(token) to the token's name, so lookups compare
	// fixed-size digests in constant time.
	byHash map[[32]byte]string
}

// Parse reads tokens, one `name:token` pair per line; blank lines and lines
// starting with # are skipped. It also accepts a comma-separated single line,
// as LINEAGE_TOKENS holds. source names the input in error messages.
func Parse(r io.Reader, source string) (*Tokens, error) {
	t := &Tokens{byHash: map[[32]byte]string{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		for _, part := range strings.Split(sc.Text(), ",") {
			part = strings.TrimSpace(part)
			if part == "" || strings.HasPrefix(part, "#") {
				continue
			}
			name, tok, ok := strings.Cut(part, ":")
			name, tok = strings.TrimSpace(name), strings.TrimSpace(tok)
			if !ok || name == "" || tok == "" {
				return nil, lineage.Errorf(lineage.EINVALID, "%s:%d: want name:token, got %q (the token is not shown)", source, line, redact(part))
			}
			if len(tok) < 16 {
				return nil, lineage.Errorf(lineage.EINVALID, "%s:%d: token %q is %d characters long; use at least 16 (for example: openssl rand -hex 24)", source, line, name, len(tok))
			}
			h := sha256.Sum256([]byte(tok))
			if prev, dup := t.byHash[h]; dup {
				return nil, lineage.Errorf(lineage.EINVALID, "%s:%d: token %q repeats the token of %q", source, line, name, prev)
			}
			t.byHash[h] = name
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("auth: read %s: %w", source, err)
	}
	return t, nil
}

func redact(s string) string {
	name, _, _ := strings.Cut(s, ":")
	return name + ":…"
}

// Len returns how many tokens there are.
func (t *Tokens) Len() int {
	if t == nil {
		return 0
	}
	return len(t.byHash)
}

// Lookup returns the name of a token, or "" and false.
func (t *Tokens) Lookup(token string) (string, bool) {
	if t == nil || token == "" {
		return "", false
	}
	h := sha256.Sum256([]byte(token))
	for k, name := range t.byHash {
		if subtle.ConstantTimeCompare(k[:], h[:]) == 1 {
			return name, true
		}
	}
	return "", false
}

// Middleware returns a handler that puts the actor named by a valid
// `Authorization: Bearer TOKEN` header into the request's context and passes
// every request on. A request with a header whose token is unknown is refused
// with 401 at once; a request with no header goes on unauthenticated, and the
// handler behind decides (reads may be open, mutations never are). With
// requireForAll, requests without a valid token are refused too.
func (t *Tokens) Middleware(next http.Handler, requireForAll bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			if requireForAll {
				unauthorized(w, "This server requires a token: send Authorization: Bearer TOKEN.")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			unauthorized(w, "The Authorization header must be: Bearer TOKEN.")
			return
		}
		name, ok := t.Lookup(strings.TrimSpace(tok))
		if !ok {
			unauthorized(w, "The bearer token is not known to this server.")
			return
		}
		next.ServeHTTP(w, r.WithContext(lineage.WithActor(r.Context(), name)))
	})
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="lineage"`)
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintf(w, `{"errors":[{"message":%q,"extensions":{"code":"UNAUTHENTICATED"}}]}`+"\n", msg)
}

// Require returns the actor of ctx, or an EUNAUTHORIZED error saying how to
// authenticate. Mutations call it first, before changing anything.
func Require(ctx context.Context) (string, error) {
	if a := lineage.ActorFrom(ctx); a != "" {
		return a, nil
	}
	return "", lineage.Errorf(lineage.EUNAUTHORIZED, "This needs a token: send Authorization: Bearer TOKEN (tokens are configured with LINEAGE_TOKENS or --tokens-file).")
}
