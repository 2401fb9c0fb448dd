// Package ui serves the lineage web UI: a single-page app built from ui/web
// (TypeScript, React, Vite) into ui/dist, which is committed and embedded
// here so that `lineage serve` serves the real UI on a machine without Node.
//
// Handler serves the embedded build; DirHandler serves a build from disk,
// for working on the UI with `lineage serve -ui-dir ui/dist` and
// `npm run build -- --watch`. Both serve files as they are, with long-lived
// caching for the content-hashed files under /assets/, and answer every
// other path that names no file with index.html, so the app's own routes
// (/tables/sales.orders, /campaigns/c1) survive a reload.
//
// The package imports only the standard library's embed, io/fs and net/http
// (and string helpers): it knows nothing of GraphQL or the stores.
package ui
