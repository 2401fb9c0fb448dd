// Command stall measures whether one client can stall a lineage server: it
// runs an attack (large lineage walks, repeated from a few connections)
// against a server on loopback and, meanwhile, probes it with the depth-1
// lineage query the UI sends and with GET /healthz, and prints the probes'
// latency and statuses and what became of the attack's requests.
//
//	go run ./bench/stall -url http://127.0.0.1:8093 -attack aliased230 -duration 30s
//
// The server must hold the synthetic warehouse of -seed/-tables/-jobs/-owners
// (bench/stall.sh fills and serves one): the attack walks from its hub table,
// the probes rotate over its typical tables. The probe sends -probe-token,
// so the server counts it as another client than the attack, which sends
// none (or -attack-token). Everything is bounded: loopback only, at most
// 32 attacking connections, at most 5 minutes.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lineagehq/lineage/graph/synth"
)

// attacks are the attack queries, by name; %s is the hub table.
var attacks = map[string]func(hub string) string{
	// The attack: 230 aliased maximal walks in one request.
	// It selects only truncated, as the did: 230 × 21 = 4,830 under
	// the old flat walk cost, just below the limit of 5,000.
	"aliased230": func(hub string) string {
		return aliased(230, hub, "depth: 50, limit: 100000, direction: BOTH", "truncated")
	},
	// The largest walk the complexity limit still lets through, one per request.
	"maximal": func(hub string) string {
		return aliased(1, hub, "depth: 50, limit: 100000, direction: BOTH", "truncated tables { name }")
	},
	// As many large walks as one request may hold: 33 × (20 + 125 + 3) =
	// 4,884 points, 165,000 nodes.
	"wide": func(hub string) string {
		return aliased(33, hub, "depth: 50, limit: 5000, direction: BOTH", "truncated tables { name }")
	},
	// Many walks each too small to count as expensive: 190 × (20 + 5 + 1)
	// = 4,940 points, 95,000 nodes, 1.9 million visits.
	"cheap": func(hub string) string {
		return aliased(190, hub, "depth: 20, limit: 500, direction: BOTH", "truncated")
	},
	// No attack: the probes alone, for a baseline.
	"none": nil,
}

func aliased(n int, table, args, selection string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " w%d: lineage(table: %q, %s) { %s }", i, table, args, selection)
	}
	b.WriteString(" }")
	return b.String()
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/stall:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("url", "http://127.0.0.1:8093", "the lineage server, on loopback")
	attack := flag.String("attack", "aliased230", "attack: aliased230, maximal, wide, cheap or none")
	conns := flag.Int("conns", 4, "attacking connections, each sending its next request when the last is answered (at most 32)")
	duration := flag.Duration("duration", 30*time.Second, "how long to attack and probe (at most 5m)")
	probeEvery := flag.Duration("probe-every", 20*time.Millisecond, "pause between probe queries")
	probeToken := flag.String("probe-token", os.Getenv("STALL_PROBE_TOKEN"), "bearer token of the probe (STALL_PROBE_TOKEN)")
	attackToken := flag.String("attack-token", os.Getenv("STALL_ATTACK_TOKEN"), "bearer token of the attack; empty: none, so the server knows it by address (STALL_ATTACK_TOKEN)")
	seed := flag.Int64("seed", 1, "synthetic warehouse seed")
	tables := flag.Int("tables", 20000, "synthetic warehouse tables")
	jobs := flag.Int("jobs", 60000, "synthetic warehouse jobs")
	owners := flag.Int("owners", 2000, "synthetic warehouse owners")
	flag.Parse()

	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return fmt.Errorf("-url %s: loopback only", *base)
	}
	mk, ok := attacks[*attack]
	if !ok {
		return fmt.Errorf("-attack %q: want aliased230, maximal, wide, cheap or none", *attack)
	}
	if *conns < 1 || *conns > 32 {
		return fmt.Errorf("-conns %d: want 1 to 32", *conns)
	}
	if *duration <= 0 || *duration > 5*time.Minute {
		return fmt.Errorf("-duration %s: want at most 5m", *duration)
	}

	w := synth.Generate(synth.Config{Seed: *seed, Tables: *tables, Jobs: *jobs, Owners: *owners})
	hub, typical := w.Hub(), w.Typical(64)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()

	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	var attackLat []time.Duration
	if mk != nil {
		q := mk(hub)
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					start := time.Now()
					out := post(ctx, client, *base, q, *attackToken)
					if ctx.Err() != nil && out == "transport" {
						return
					}
					mu.Lock()
					outcomes[out]++
					attackLat = append(attackLat, time.Since(start))
					mu.Unlock()
				}
			}()
		}
	}

	var probeLat, healthLat []time.Duration
	probeOut, health := map[string]int{}, map[int]int{}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			q := fmt.Sprintf(`{ lineage(table: %q, depth: 1) { truncated tables { name } jobs { id owner { handle } } edges { job table kind } } }`, typical[i%len(typical)])
			start := time.Now()
			out := post(context.Background(), client, *base, q, *probeToken)
			d := time.Since(start)
			mu.Lock()
			probeLat = append(probeLat, d)
			probeOut[out]++
			mu.Unlock()
			time.Sleep(*probeEvery)
		}
	}()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			start := time.Now()
			req, _ := http.NewRequest("GET", *base+"/healthz", nil)
			status := 0
			if resp, err := client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
			}
			mu.Lock()
			health[status]++
			healthLat = append(healthLat, time.Since(start))
			mu.Unlock()
			time.Sleep(250 * time.Millisecond)
		}
	}()
	wg.Wait()

	fmt.Printf("attack=%s conns=%d duration=%s hub=%s cores=%d load=%s\n", *attack, *conns, *duration, hub, runtime.NumCPU(), loadavg())
	fmt.Printf("probe (depth-1 lineage): n=%d %s outcomes=%v\n", len(probeLat), quantiles(probeLat), probeOut)
	fmt.Printf("healthz: n=%d %s statuses=%v\n", len(healthLat), quantiles(healthLat), health)
	if mk != nil {
		fmt.Printf("attack requests: n=%d %s outcomes=%v\n", len(attackLat), quantiles(attackLat), outcomes)
	}
	return nil
}

// post sends a query and sums up the answer: "ok", "transport", "http NNN",
// or the error codes it carried, such as "COMPLEXITY_LIMIT_EXCEEDED".
func post(ctx context.Context, c *http.Client, base, query, token string) string {
	body, _ := json.Marshal(map[string]string{"query": query})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return "transport"
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "transport"
	}
	defer resp.Body.Close()
	var r struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "transport"
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Sprintf("http %d", resp.StatusCode)
	}
	if len(r.Errors) == 0 {
		return "ok"
	}
	var codes []string
	for _, e := range r.Errors {
		codes = append(codes, e.Extensions.Code)
	}
	slices.Sort(codes)
	return strings.Join(slices.Compact(codes), "+")
}

func quantiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(p float64) time.Duration {
		return s[min(len(s)-1, int(p*float64(len(s))))].Round(100 * time.Microsecond)
	}
	return fmt.Sprintf("p50=%s p90=%s p99=%s max=%s", q(0.5), q(0.9), q(0.99), s[len(s)-1].Round(100*time.Microsecond))
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
