package gql

import "net/http"

// DirectServed returns how many operations h (from NewHandler) answered
// through direct rather than gqlgen's executor.
func DirectServed(h http.Handler) int64 {
	d := h.(*httpHandler).direct
	if d == nil {
		return 0
	}
	return d.served.Load()
}
