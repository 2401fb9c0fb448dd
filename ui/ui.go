package ui

import (
	"embed"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// dist holds the built app. The all: prefix keeps files whose names start
// with "_" or "." should the bundler ever emit one.
//
//go:embed all:dist
var dist embed.FS

// FS returns the embedded build: index.html at its root, hashed assets under
// assets/.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path name, and "dist" is valid.
		panic("ui: " + err.Error())
	}
	return sub
}

// Handler returns an http.Handler serving the embedded build at the root of
// whatever path it is mounted on.
func Handler() http.Handler { return newHandler(http.FS(FS())) }

// DirHandler returns an http.Handler serving the build in dir (for example
// ui/dist) from disk, so a rebuilt UI shows without rebuilding the binary.
// It serves no dotfile (.env, .git/...) and follows no symbolic link out of
// dir: those answer 404, as a missing file does.
func DirHandler(dir string) http.Handler { return newHandler(rootDir(dir)) }

// rootDir is an http.FileSystem over the folder it names, opened through
// os.Root so that no name, symbolic links included, reaches outside it.
// Names with an element starting with "." are not opened at all.
type rootDir string

func (d rootDir) Open(name string) (http.File, error) {
	rel := strings.TrimPrefix(path.Clean("/"+name), "/")
	if rel == "" {
		rel = "."
	}
	for _, el := range strings.Split(rel, "/") {
		if el != "." && strings.HasPrefix(el, ".") {
			return nil, fs.ErrNotExist
		}
	}
	root, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, err
	}
	// The file stays usable after its root is closed.
	defer root.Close()
	return root.Open(rel)
}

// contentTypes pins the types of the files a Vite build emits, so that they
// do not depend on the host's MIME tables.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".webp":  "image/webp",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".txt":   "text/plain; charset=utf-8",
	".wasm":  "application/wasm",
}

// csp keeps the app to its own origin: it loads nothing from elsewhere and
// talks only to /graphql. Inline styles are allowed because React sets style
// attributes; data: fonts because GraphiQL's stylesheet embeds its fonts.
const csp = "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

type handler struct {
	root http.FileSystem
}

func newHandler(root http.FileSystem) http.Handler { return &handler{root: root} }

// ServeHTTP serves a file, or index.html for app routes.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the UI is read-only; the API is at /graphql", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(name, "/.") {
		// /.env, /.git/config: hidden files are never served, and no app
		// route starts with a dot.
		http.Error(w, "not found: "+name, http.StatusNotFound)
		return
	}

	if name != "/" && name != "/index.html" {
		if h.serveFile(w, r, name) {
			return
		}
		// A page of its own, such as /playground (playground.html).
		if strings.Count(name, "/") == 1 && path.Ext(name) == "" && h.serveFile(w, r, name+".html") {
			return
		}
		// A missing asset, or a missing top-level file such as
		// /favicon.png, is a real 404: answering with index.html would hand
		// HTML to a script tag and hide the broken link. Deeper paths are
		// app routes, whose names may well contain dots (/tables/sales.orders).
		if strings.HasPrefix(name, "/assets/") || (strings.Count(name, "/") == 1 && path.Ext(name) != "") {
			http.Error(w, "not found: "+name, http.StatusNotFound)
			return
		}
	}
	if !h.serveFile(w, r, "/index.html") {
		http.Error(w, "the UI is not built: run `npm ci && npm run build` in ui/web", http.StatusNotFound)
	}
}

// serveFile serves the regular file name with its content type and cache
// headers, and reports whether it existed.
func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	f, err := h.root.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return false
	}
	hdr := w.Header()
	if ct, ok := contentTypes[path.Ext(name)]; ok {
		hdr.Set("Content-Type", ct)
	}
	if strings.HasPrefix(name, "/assets/") {
		// Vite names these by content hash: a changed file gets a new name.
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// index.html names the current assets, so browsers must revalidate it.
		hdr.Set("Cache-Control", "no-cache")
	}
	if path.Ext(name) == ".html" {
		hdr.Set("Content-Security-Policy", csp)
		hdr.Set("Referrer-Policy", "same-origin")
	}
	// ServeContent handles Range, HEAD and If-Modified-Since; embedded
	// files have a zero ModTime, so it sends no Last-Modified.
	http.ServeContent(w, r, name, st.ModTime(), f)
	return true
}
