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
	// hint, when set, ends every "needs a token" and "token refused"
	// message: where this server's token is (see SetHint).
	hint string
}

// MinTokenLen is the shortest token Parse accepts.
const MinTokenLen = 16

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
			if len(tok) < MinTokenLen {
				return nil, lineage.Errorf(lineage.EINVALID, "%s:%d: token %q is %d characters long; use at least %d (for example: openssl rand -hex 24)", source, line, name, len(tok), MinTokenLen)
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

// Add adds a token under name, with Parse's checks (name and token not
// empty, the token at least MinTokenLen long and not already known).
func (t *Tokens) Add(name, token string) error {
	if name == "" || strings.ContainsAny(name, ":,") {
		return lineage.Errorf(lineage.EINVALID, "token name %q must be non-empty, without ':' or ','", name)
	}
	if len(token) < MinTokenLen {
		return lineage.Errorf(lineage.EINVALID, "token %q is %d characters long; use at least %d", name, len(token), MinTokenLen)
	}
	h := sha256.Sum256([]byte(token))
	if prev, dup := t.byHash[h]; dup {
		return lineage.Errorf(lineage.EINVALID, "token %q repeats the token of %q", name, prev)
	}
	if t.byHash == nil {
		t.byHash = map[[32]byte]string{}
	}
	t.byHash[h] = name
	return nil
}

// SetHint sets a sentence that ends the messages of refused requests and of
// Require, telling a person where to find a token on this server (for
// example the file of the local token lineage serve made on first run).
func (t *Tokens) SetHint(hint string) { t.hint = strings.TrimSpace(hint) }

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
		ctx := r.Context()
		if t != nil && t.hint != "" {
			ctx = context.WithValue(ctx, hintKey{}, t.hint)
		}
		if h == "" {
			if requireForAll {
				unauthorized(w, withHint(ctx, "This server requires a token: send Authorization: Bearer TOKEN."))
				return
			}
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			unauthorized(w, withHint(ctx, "The Authorization header must be: Bearer TOKEN."))
			return
		}
		name, ok := t.Lookup(strings.TrimSpace(tok))
		if !ok {
			unauthorized(w, withHint(ctx, "The bearer token is not known to this server."))
			return
		}
		next.ServeHTTP(w, r.WithContext(lineage.WithActor(ctx, name)))
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
	return "", lineage.Errorf(lineage.EUNAUTHORIZED, "%s", withHint(ctx, "This needs a token: send Authorization: Bearer TOKEN (tokens are configured with LINEAGE_TOKENS or --tokens-file)."))
}

// hintKey is the context key of the middleware's hint.
type hintKey struct{}

// withHint appends the hint the middleware put in ctx, if any, to msg.
func withHint(ctx context.Context, msg string) string {
	if h, _ := ctx.Value(hintKey{}).(string); h != "" {
		return msg + " " + h
	}
	return msg
}
