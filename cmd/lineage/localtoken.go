package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
)

// The first run on a laptop: with no tokens configured, lineage serve on a
// loopback-only address makes one token, named "local", and keeps it beside
// the SQLite file (PATH-token, mode 0600), so the README's single command
// reaches a launched campaign. Anywhere else (a non-loopback address, or a
// Neo4j store with no file to keep it beside) nothing is made: mutations are
// refused, as they always were without tokens, and the start-up log says so.

// localTokenName is the actor name of the local token.
const localTokenName = "local"

// localTokenPath returns where the local token of the store spec lives, or
// "" when the store has no file (Neo4j).
func localTokenPath(spec string) string {
	path, ok := strings.CutPrefix(spec, "sqlite:")
	if !ok || path == "" {
		return ""
	}
	return path + "-token"
}

// isLoopback reports whether addr (a listener's address) accepts loopback
// connections only.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP != nil && tcp.IP.IsLoopback()
}

// loadOrCreateLocalToken returns the token kept in path, making it first if
// the file does not exist. The file holds the token alone, so that
// `$(cat FILE)` is the token. A file others may read is refused.
func loadOrCreateLocalToken(path string) (token string, created bool, err error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", false, fmt.Errorf("local token: %w", err)
	}
	fresh := hex.EncodeToString(b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		_, werr := f.WriteString(fresh + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return "", false, lineage.WrapError(lineage.EINVALID, werr, "cannot write the local token to %s", path)
		}
		return fresh, true, nil
	case !errors.Is(err, fs.ErrExist):
		return "", false, lineage.WrapError(lineage.EINVALID, err, "cannot create the local token file %s (make its folder writable, or set LINEAGE_TOKENS)", path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", false, lineage.WrapError(lineage.EINVALID, err, "cannot read the local token file %s", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", false, lineage.Errorf(lineage.EINVALID, "the local token file %s may be read by others (mode %04o): run chmod 600 %s, or delete it to get a new token", path, st.Mode().Perm(), path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", false, lineage.WrapError(lineage.EINVALID, err, "cannot read the local token file %s", path)
	}
	token = strings.TrimSpace(string(raw))
	if len(token) < auth.MinTokenLen || strings.ContainsAny(token, " \t\r\n:,") {
		return "", false, lineage.Errorf(lineage.EINVALID, "the local token file %s does not hold one token of at least %d characters: delete it to get a new one", path, auth.MinTokenLen)
	}
	return token, false, nil
}

// firstRunTokens runs when no token is configured: it adds the local token
// on a loopback-only server with a SQLite store, and otherwise says at
// start-up that mutations are refused. Either way the tokens' hint tells the
// UI's token prompt what is true.
func (m *Main) firstRunTokens(tokens *auth.Tokens, addr net.Addr) error {
	path := localTokenPath(m.Config.Graph)
	if !isLoopback(addr) || path == "" {
		why := fmt.Sprintf("the server listens on %s, which is not loopback only", addr)
		if path == "" {
			why = "the store has no file to keep a local token beside"
		}
		tokens.SetHint("This server has no tokens, so every change is refused: whoever runs it must set LINEAGE_TOKENS or -tokens-file.")
		m.Logger.Warn("no tokens configured: mutations (starting campaigns, pushing jobs) are refused until LINEAGE_TOKENS or -tokens-file gives some; no local token is made because " + why)
		return nil
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	token, created, err := loadOrCreateLocalToken(path)
	if err != nil {
		return err
	}
	if err := tokens.Add(localTokenName, token); err != nil {
		return err
	}
	tokens.SetHint(fmt.Sprintf("This server made a local token on its first run: it is the content of %s (on the machine running lineage serve).", path))
	verb := "uses the local token it made on a first run"
	if created {
		verb = "made a local token"
	}
	m.Logger.Info("no tokens configured and listening on loopback only: "+verb, "file", path, "name", localTokenName)
	if m.Notice != nil {
		fmt.Fprintf(m.Notice, `
No tokens are configured and the server listens on loopback only, so it %s:
  file:     %s (mode 0600; kept for the next start; delete it to get a new one)
  web UI:   paste the file's content when the UI asks for a token
  curl:     -H "Authorization: Bearer $(cat %s)"
Set LINEAGE_TOKENS or -tokens-file to use your own tokens instead.

`, verb, path, shellQuote(path))
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
