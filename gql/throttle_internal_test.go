package gql

import (
	"context"
	"errors"
	"testing"
	"time"
)

// waitFor polls cond until it holds; the test's own deadline bounds it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if d, ok := t.Deadline(); ok && time.Until(d) < time.Second {
			t.Fatalf("still waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (th *throttle) waiting(client string) int {
	th.mu.Lock()
	defer th.mu.Unlock()
	if c := th.clients[client]; c != nil {
		return c.waiting
	}
	return 0
}

// TestThrottle checks the per-client bound (running, then waiting, then
// refused), that another client is not held up by it, the server-wide
// bound, cancellation while waiting, and that nothing is left behind once
// every walk is done.
func TestThrottle(t *testing.T) {
	th := newThrottle(2, 3)
	ctx := context.Background()
	var releases []func()
	for range 2 {
		rel, err := th.acquire(ctx, "addr:a")
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, rel)
	}
	got := make(chan func(), clientQueue)
	for range clientQueue {
		go func() {
			rel, err := th.acquire(ctx, "addr:a")
			if err != nil {
				t.Error(err)
			}
			got <- rel
		}()
	}
	waitFor(t, "the queue to fill", func() bool { return th.waiting("addr:a") == clientQueue })
	var busy *busyError
	if _, err := th.acquire(ctx, "addr:a"); !errors.As(err, &busy) {
		t.Fatalf("a walk past the queue: %v, want it refused", err)
	}

	// Another client runs at once: the third server-wide slot.
	relB, err := th.acquire(ctx, "token:b")
	if err != nil {
		t.Fatal(err)
	}
	// A third client waits for a server-wide slot.
	cDone := make(chan func(), 1)
	go func() {
		rel, err := th.acquire(ctx, "token:c")
		if err != nil {
			t.Error(err)
		}
		cDone <- rel
	}()
	holdsClientSlot := func(n int) func() bool {
		return func() bool {
			th.mu.Lock()
			defer th.mu.Unlock()
			c := th.clients["token:c"]
			return c != nil && len(c.running) == n
		}
	}
	waitFor(t, "the third client to hold its client slot", holdsClientSlot(1))
	select {
	case <-cDone:
		t.Fatal("four walks ran at once, want at most three")
	default:
	}
	// A cancelled wait gives up its place.
	cctx, cancel := context.WithCancel(ctx)
	cancelled := make(chan error, 1)
	go func() {
		_, err := th.acquire(cctx, "token:c")
		cancelled <- err
	}()
	waitFor(t, "the cancelled walk to wait for a server-wide slot", holdsClientSlot(2))
	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	relB()
	(<-cDone)()

	for _, rel := range releases {
		rel()
	}
	for range clientQueue {
		(<-got)()
	}
	if len(th.clients) != 0 || len(th.expensive) != 0 {
		t.Fatalf("left behind: %d clients, %d server-wide slots", len(th.clients), len(th.expensive))
	}
}
