package neo4j

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
)

// launcher is one running instance of the test server started by a test.
type launcher struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	uri   string
	port  string
	// exited is closed when the process has exited; err is then its exit.
	exited chan struct{}
	err    error
}

// startLauncher starts the command in NEO4J_TEST_LAUNCHER (for example
// "java -jar graph/neo4j/testserver/target/neo4j-testserver.jar") with data
// in dir, on port when it is not empty, and waits for its URI line. It skips
// the test when the variable is unset.
func startLauncher(tb testing.TB, dir, port string) *launcher {
	tb.Helper()
	cmdline := strings.Fields(os.Getenv("NEO4J_TEST_LAUNCHER"))
	if len(cmdline) == 0 {
		tb.Skip("NEO4J_TEST_LAUNCHER is not set: set it to the command that starts the test server " +
			"(e.g. \"java -jar graph/neo4j/testserver/target/neo4j-testserver.jar\") to run the fault tests; bash .ci/neo4j.sh does")
	}
	args := append(cmdline[1:], "--stdin", "--data", dir)
	if port != "" {
		args = append(args, "--port", port)
	}
	cmd := exec.Command(cmdline[0], args...)
	cmd.Stderr = &prefixWriter{tb: tb}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %v: %v", cmdline, err)
	}
	l := &launcher{cmd: cmd, stdin: stdin, exited: make(chan struct{})}
	uri := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "NEO4J_URI="); ok {
				uri <- u
			}
		}
		close(uri)
		l.err = cmd.Wait()
		close(l.exited)
	}()
	u, ok := <-uri
	if !ok {
		<-l.exited
		tb.Fatalf("the launcher exited without printing its URI: %v", l.err)
	}
	l.uri = u
	l.port = u[strings.LastIndex(u, ":")+1:]
	tb.Cleanup(func() { l.kill(tb) })
	return l
}

// kill stops the server at once, as a crash would, and waits for it to exit.
func (l *launcher) kill(tb testing.TB) {
	select {
	case <-l.exited:
		return
	default:
	}
	l.cmd.Process.Kill()
	l.stdin.Close()
	select {
	case <-l.exited:
	case <-time.After(time.Minute):
		tb.Errorf("the launcher (pid %d) did not exit after SIGKILL", l.cmd.Process.Pid)
	}
}

// prefixWriter logs the launcher's stderr through the test log.
type prefixWriter struct {
	tb testing.TB
	mu sync.Mutex
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.tb.Logf("launcher: %s", line)
	}
	return len(p), nil
}

// outcome is one store call made during the fault test.
type outcome struct {
	op    string
	err   error
	took  time.Duration
	after bool // started after the server was killed
}

// TestServerStopsMidRun stops Neo4j while workers write and read through one
// Store, checks that every call then fails with EUNAVAILABLE and returns (no
// hang, no panic), restarts Neo4j on the same port and data, and checks that
// the same Store works again and kept every acknowledged write.
func TestServerStopsMidRun(t *testing.T) {
	dir := t.TempDir()
	l := startLauncher(t, dir, "")
	ctx := context.Background()
	// The default timeouts; Timeout only matters if the server hangs
	// rather than dies, and it bounds each call either way.
	s, err := Open(ctx, Config{URI: l.uri, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	MustClear(t, s)
	graphtest.MustPutJobs(t, s, graphtest.J("seed", "ann", graphtest.L("f.src"), graphtest.L("f.mid")))
	camp := graphtest.NewCampaign("f.src", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), "ann")
	graphtest.MustCreateCampaign(t, s, camp)

	var (
		mu       sync.Mutex
		outcomes []outcome
		killed   bool
		acked    []string // ids of jobs whose PutJobs returned nil
		okCount  = map[string]int{}
	)
	record := func(op string, start time.Time, wasKilled bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, outcome{op: op, err: err, took: time.Since(start), after: wasKilled})
		if err == nil {
			okCount[op]++
		}
	}
	isKilled := func() bool { mu.Lock(); defer mu.Unlock(); return killed }
	failuresAfter := func(op string) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, o := range outcomes {
			if o.op == op && o.after && o.err != nil {
				n++
			}
		}
		return n
	}
	ops := map[string]func(i int) error{
		"PutJobs": func(i int) error {
			id := fmt.Sprintf("w%04d", i)
			err := s.PutJobs(ctx, []lineage.JobPut{graphtest.J(id, "ann", graphtest.L("f.mid"), graphtest.L(fmt.Sprintf("f.out%04d", i)))})
			if err == nil {
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
			return err
		},
		"Walk": func(int) error {
			_, err := s.Walk(ctx, lineage.WalkFilter{Table: "f.src", Direction: lineage.Downstream, Depth: 3})
			return err
		},
		"Impact": func(int) error {
			_, err := s.Impact(ctx, "f.src", 3)
			return err
		},
		"AppendEvent": func(int) error {
			return s.AppendEvent(ctx, &lineage.Event{CampaignID: camp.ID, Actor: "system", Kind: "tick"})
		},
	}
	var wg sync.WaitGroup
	for name, op := range ops {
		wg.Go(func() {
			// Bounded: each worker stops after 3 failures past the kill, or
			// after 2000 calls whatever happens.
			for i := 0; i < 2000 && failuresAfter(name) < 3; i++ {
				k := isKilled()
				start := time.Now()
				err := op(i)
				record(name, start, k, err)
			}
		})
	}
	// Kill the server once every worker has succeeded a few times.
	for {
		mu.Lock()
		ready := len(okCount) == len(ops)
		for _, n := range okCount {
			ready = ready && n >= 5
		}
		mu.Unlock()
		if ready {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Calls that start before the process has exited may succeed or fail;
	// calls that start after it must fail.
	l.kill(t)
	mu.Lock()
	killed = true
	mu.Unlock()
	killedAt := time.Now()
	t.Logf("killed Neo4j (SIGKILL) during the run")

	// Watchdog: a hang would keep the workers from finishing at all.
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(5 * time.Minute):
		t.Fatal("store calls did not return within 5 minutes of Neo4j being killed: they hang")
	}
	t.Logf("all workers saw 3 failures %v after the kill", time.Since(killedAt).Round(time.Millisecond))

	var slowest time.Duration
	failed := 0
	for _, o := range outcomes {
		if !o.after {
			if o.err != nil && lineage.ErrorCode(o.err) != lineage.EUNAVAILABLE {
				t.Errorf("%s in flight at the kill: %v (code %q), want success or EUNAVAILABLE", o.op, o.err, lineage.ErrorCode(o.err))
			}
			continue
		}
		if o.err == nil {
			t.Errorf("%s succeeded after Neo4j was killed", o.op)
			continue
		}
		failed++
		if code := lineage.ErrorCode(o.err); code != lineage.EUNAVAILABLE {
			t.Errorf("%s after the kill: %v (code %q), want EUNAVAILABLE", o.op, o.err, code)
		}
		slowest = max(slowest, o.took)
	}
	t.Logf("%d calls failed after the kill, all EUNAVAILABLE; slowest took %v; e.g. %q",
		failed, slowest.Round(time.Millisecond), lineage.ErrorMessage(outcomes[len(outcomes)-1].err))
	if err := s.Ping(ctx); lineage.ErrorCode(err) != lineage.EUNAVAILABLE {
		t.Errorf("Ping with Neo4j down = %v, want EUNAVAILABLE", err)
	}

	// Restart on the same port and data; the same Store must work again.
	l2 := startLauncher(t, dir, l.port)
	if l2.uri != l.uri {
		t.Fatalf("restarted at %s, want %s", l2.uri, l.uri)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}
	graphtest.MustPutJobs(t, s, graphtest.J("after", "bob", graphtest.L("f.mid"), graphtest.L("f.after")))
	g := graphtest.MustWalk(t, s, lineage.WalkFilter{Table: "f.src", Direction: lineage.Downstream, Depth: 3, MaxNodes: lineage.MaxNodes})
	have := map[string]bool{}
	for _, j := range g.Jobs {
		have[j.ID] = true
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range append([]string{"seed", "after"}, acked...) {
		if !have[id] {
			t.Errorf("job %s, acknowledged before the kill, is missing after the restart", id)
		}
	}
	if _, err := s.Events(ctx, camp.ID); err != nil {
		t.Errorf("Events after restart: %v", err)
	}
	t.Logf("after the restart the same store works; %d acknowledged writes all present", len(acked))
}
