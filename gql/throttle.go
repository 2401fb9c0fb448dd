package gql

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/lineagehq/lineage"
)

// Walks (lineage, upstream, downstream, impact) are what costs the store
// real work: one may read a hundred thousand nodes. Three bounds keep one
// client from stalling the others:
//
//   - the complexity of a walk grows with what it may visit (setComplexity),
//     so that one request cannot ask for hundreds of large walks;
//   - a request may reserve at most Config.MaxWalkNodes nodes over all its
//     walks (each reserves its limit; loads.reserveWalk);
//   - a throttle on expensive walks, those that take their request past
//     cheapVisits visits (their own and those of the request's walks
//     before them): one client (its token's name, or its remote address
//     when it sends none) runs at most Config.ClientWalks of them at a time,
//     with at most clientQueue more waiting; and the whole server runs at
//     most Config.ExpensiveWalks at a time. SQLite has only a few read
//     connections and the machine a few cores: these bounds leave the rest
//     to everyone else. A request's first cheap walks (the UI sends one,
//     of depth 3 and limit 500 by default) are not throttled: users behind
//     one proxy share an address, and their ordinary queries must not queue
//     behind one another; a request of many cheap walks is throttled once
//     they add up.
//
// A walk refused by the throttle fails with TOO_MANY_REQUESTS; one that
// waits longer than the request's timeout fails with UNAVAILABLE.

// cheapVisits is the visit estimate (depth × limit, summed over the walks
// of a request) up to which walks are not throttled: the default walk
// (depth 3, limit 500) is 1,500.
const cheapVisits = 10_000

// clientQueue bounds the walks of one client waiting for a slot; more are
// refused at once, so that a burst costs the server nothing but the
// refusal. It is above the walks one request can hold within the complexity
// limit (about 230), so that a request alone is never refused, only a
// client sending several such requests at once.
const clientQueue = 256

// visits estimates the nodes a walk may read: each of depth hops may
// read up to limit new nodes.
func visits(depth, limit int) int { return depth * limit }

type clientKey struct{}

// withClient records who sent the request: "token:NAME" for a valid token,
// otherwise "addr:IP" (without the port, so that new connections are the
// same client). Clients behind one proxy share an address: give them tokens.
func withClient(r *http.Request) context.Context {
	if a := lineage.ActorFrom(r.Context()); a != "" {
		return context.WithValue(r.Context(), clientKey{}, "token:"+a)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return context.WithValue(r.Context(), clientKey{}, "addr:"+host)
}

func clientFrom(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}

// throttle bounds the walks running at once, per client and server-wide.
type throttle struct {
	perClient int
	expensive chan struct{}

	mu      sync.Mutex
	clients map[string]*clientSlots
}

type clientSlots struct {
	running chan struct{}
	waiting int
	users   int // walks holding or waiting for a slot; 0 removes the entry
}

func newThrottle(perClient, expensive int) *throttle {
	return &throttle{perClient: perClient, expensive: make(chan struct{}, expensive), clients: map[string]*clientSlots{}}
}

// busyError is a walk the throttle refused; the presenter sends it as
// TOO_MANY_REQUESTS.
type busyError struct{ msg string }

func (e *busyError) Error() string { return "gql: throttled: " + e.msg }

// acquire waits for a slot for one expensive walk of client, then for a
// server-wide one. It returns the function that gives them back, or a
// busyError when the client already has too many walks waiting, or the
// context's error when the request ends first.
func (t *throttle) acquire(ctx context.Context, client string) (func(), error) {
	t.mu.Lock()
	c := t.clients[client]
	if c == nil {
		c = &clientSlots{running: make(chan struct{}, t.perClient)}
		t.clients[client] = c
	}
	if c.waiting >= clientQueue {
		t.mu.Unlock()
		return nil, &busyError{fmt.Sprintf("This client already has %d walks running and %d waiting; wait for them to finish, or ask for fewer walks at once.", t.perClient, clientQueue)}
	}
	c.waiting++
	c.users++
	t.mu.Unlock()

	leave := func(holding bool) {
		if holding {
			<-c.running
		}
		t.mu.Lock()
		c.users--
		if c.users == 0 {
			delete(t.clients, client)
		}
		t.mu.Unlock()
	}
	var err error
	select {
	case c.running <- struct{}{}:
	case <-ctx.Done():
		err = ctx.Err()
	}
	t.mu.Lock()
	c.waiting--
	t.mu.Unlock()
	if err != nil {
		leave(false)
		return nil, err
	}
	select {
	case t.expensive <- struct{}{}:
		return func() { <-t.expensive; leave(true) }, nil
	case <-ctx.Done():
		leave(true)
		return nil, ctx.Err()
	}
}

// guardWalk admits one walk that may visit up to visits nodes and return
// up to nodes of them: it reserves nodes from the request's budget and,
// once the request's walks may visit more than cheapVisits, takes a
// throttle slot. The caller runs the walk, then calls release.
func (r *Resolver) guardWalk(ctx context.Context, visits, nodes int) (release func(), err error) {
	total, err := r.loads(ctx).reserveWalk(visits, nodes)
	if err != nil {
		return nil, err
	}
	if r.throttle == nil || total <= cheapVisits {
		return func() {}, nil
	}
	return r.throttle.acquire(ctx, clientFrom(ctx))
}
