package ui_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineagehq/lineage/ui"
)

// MustWriteDist writes a small fake build into a temp dir and returns it.
func MustWriteDist(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	files := map[string]string{
		"index.html":           "<!doctype html><title>lineage</title><div id=root></div>",
		"assets/index-abc.js":  "console.log('app')",
		"assets/index-abc.css": "body{}",
		"robots.txt":           "User-agent: *",
		"playground.html":      "<!doctype html><title>playground</title><div id=playground></div>",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func TestDirHandler(t *testing.T) {
	h := ui.DirHandler(MustWriteDist(t))
	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		cache       string
		body        string // substring
	}{
		{"Root", "GET", "/", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"IndexByName", "GET", "/index.html", 200, "text/html; charset=utf-8", "no-cache", "<title>lineage"},
		{"Script", "GET", "/assets/index-abc.js", 200, "text/javascript; charset=utf-8", "immutable", "console.log"},
		{"Stylesheet", "GET", "/assets/index-abc.css", 200, "text/css; charset=utf-8", "immutable", "body{}"},
		{"PlainFile", "GET", "/robots.txt", 200, "text/plain; charset=utf-8", "no-cache", "User-agent"},
		{"ClientRouteTable", "GET", "/tables/sales.orders", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"ClientRouteDottedJS", "GET", "/jobs/etl/load.js", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"ClientRouteCampaign", "GET", "/campaigns/c1", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"ClientRouteEncoded", "GET", "/jobs/repo%2Fetl%2Fdaily", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"MissingAsset", "GET", "/assets/index-gone.js", 404, "", "", "not found"},
		{"MissingFile", "GET", "/favicon.png", 404, "", "", "not found"},
		{"DotDot", "GET", "/../../etc/passwd", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"DotDotFile", "GET", "/assets/../robots.txt", 200, "text/plain; charset=utf-8", "no-cache", "User-agent"},
		{"Head", "HEAD", "/", 200, "text/html; charset=utf-8", "no-cache", ""},
		{"Post", "POST", "/", 405, "", "", "method not allowed"},
		{"AssetsDir", "GET", "/assets", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"PageOfItsOwn", "GET", "/playground", 200, "text/html; charset=utf-8", "no-cache", "<div id=playground>"},
		{"PageByName", "GET", "/playground.html", 200, "text/html; charset=utf-8", "no-cache", "<div id=playground>"},
		{"NoPageDeeper", "GET", "/x/playground", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
		{"NoSuchPage", "GET", "/campaigns", 200, "text/html; charset=utf-8", "no-cache", "<div id=root>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://x"+tt.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d (body %q)", rec.Code, tt.status, rec.Body.String())
			}
			if tt.contentType != "" {
				if got := rec.Header().Get("Content-Type"); got != tt.contentType {
					t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
				}
			}
			if tt.cache != "" {
				if got := rec.Header().Get("Cache-Control"); !strings.Contains(got, tt.cache) {
					t.Errorf("Cache-Control = %q, want it to contain %q", got, tt.cache)
				}
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body %q does not contain %q", rec.Body.String(), tt.body)
			}
		})
	}
}

func TestDirHandlerNotBuilt(t *testing.T) {
	h := ui.DirHandler(t.TempDir())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/campaigns", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "npm run build") {
		t.Fatalf("got %d %q, want 404 saying how to build the UI", rec.Code, rec.Body.String())
	}
}

// TestHandler checks the embedded build: index.html is there, every asset it
// names is served with its type, and app routes fall back to index.html.
func TestHandler(t *testing.T) {
	srv := httptest.NewServer(ui.Handler())
	defer srv.Close()

	index := MustGet(t, srv.URL+"/", "text/html; charset=utf-8")
	if !strings.Contains(index, `<div id="root">`) {
		t.Fatalf("index.html has no root element:\n%s", index)
	}
	if csp := MustHead(t, srv.URL+"/").Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'self'", csp)
	}
	if got := MustGet(t, srv.URL+"/tables/sales.orders?depth=2", "text/html; charset=utf-8"); got != index {
		t.Errorf("client route did not serve index.html")
	}
	// The GraphQL playground is a page of the same build: GraphiQL comes
	// from the embedded assets, not a CDN.
	playground := MustGet(t, srv.URL+"/playground", "text/html; charset=utf-8")
	if !strings.Contains(playground, `<div id="playground">`) || strings.Contains(playground, "://") {
		t.Fatalf("/playground is not the embedded playground page, or names another origin:\n%s", playground)
	}
	if csp := MustHead(t, srv.URL+"/playground").Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("playground Content-Security-Policy = %q", csp)
	}
	pages := index + playground

	n := 0
	err := fs.WalkDir(ui.FS(), "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		want := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}[filepath.Ext(p)]
		body := MustGet(t, srv.URL+"/"+p, want)
		if body == "" {
			t.Errorf("%s is empty", p)
		}
		if !strings.Contains(pages, "/"+p) && filepath.Ext(p) != ".js" {
			t.Errorf("neither index.html nor playground.html references %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the embedded build has no assets: run `npm ci && npm run build` in ui/web")
	}
}

// MustGet fetches url, checks for 200 and (when want is set) the content
// type, and returns the body.
func MustGet(tb testing.TB, url, want string) string {
	tb.Helper()
	res, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %s", url, res.Status)
	}
	if want != "" && res.Header.Get("Content-Type") != want {
		tb.Errorf("GET %s: Content-Type = %q, want %q", url, res.Header.Get("Content-Type"), want)
	}
	return string(b)
}

// MustHead returns the headers of a HEAD request to url.
func MustHead(tb testing.TB, url string) http.Header {
	tb.Helper()
	res, err := http.Head(url)
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	return res.Header
}

// TestDirHandlerRefusesHiddenAndEscapes checks that -ui-dir serves no
// dotfile and follows no symbolic link out of its folder: each answers 404
// (or the app's page for a deep app route), never the file.
func TestDirHandlerRefusesHiddenAndEscapes(t *testing.T) {
	dir := MustWriteDist(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("TOP-SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{".env": "TOP-SECRET", ".git/config": "TOP-SECRET", "assets/.hidden.js": "TOP-SECRET"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"leak.txt":        secret,
		"assets/leak.js":  secret,
		"assets/outside":  outside,
		"assets/inner.js": "index-abc.js", // inside the folder: allowed
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	h := ui.DirHandler(dir)
	tests := []struct {
		path   string
		status int
	}{
		{"/.env", 404},
		{"/.git/config", 404},
		{"/.git/", 404},
		{"/assets/.hidden.js", 404},
		{"/leak.txt", 404},
		{"/assets/leak.js", 404},
		{"/assets/outside/secret.txt", 404},
		{"/assets/inner.js", 200},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "http://x"+tt.path, nil))
			if rec.Code != tt.status || strings.Contains(rec.Body.String(), "TOP-SECRET") {
				t.Fatalf("status = %d, want %d (body %q)", rec.Code, tt.status, rec.Body.String())
			}
		})
	}
}
