// Package synth generates synthetic data warehouses for benchmarks and load
// tests: tables in layers (raw, staging, ..., marts), jobs that read lower
// layers and write their own, and owners, all from a seed so that the same
// Config always gives the same warehouse.
//
// Popularity is heavy-tailed, as in real warehouses: reads pick tables with a
// Zipf-like law over a per-layer random ranking, so a few hub tables are read
// by thousands of jobs while the median table has a handful of readers; job
// counts per owner are heavy-tailed the same way. WriteRepo writes the
// warehouse as a repository of SQL scripts and workflow files for ingest
// benchmarks.
package synth

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/lineagehq/lineage"
)

// Config sizes a warehouse. Zero fields take the defaults of Defaults.
type Config struct {
	Seed   int64 `json:"seed"`
	Tables int   `json:"tables"`
	Jobs   int   `json:"jobs"`
	Owners int   `json:"owners"`
	// Layers counts table layers, source layer included (at least 2).
	Layers int `json:"layers"`
	// Columns, when positive, gives every table that many columns and
	// every job column lineage over them (see TableColumns); 0 means
	// table-level lineage only.
	Columns int `json:"columns,omitempty"`
}

// Defaults is a small warehouse that generates in milliseconds.
var Defaults = Config{Seed: 1, Tables: 1000, Jobs: 3000, Owners: 300, Layers: 6}

// Source is the Source of every generated job.
const Source = "synth"

// withDefaults fills zero fields and keeps sizes sane.
func (c Config) withDefaults() Config {
	c.Tables = cmp.Or(c.Tables, Defaults.Tables)
	c.Jobs = cmp.Or(c.Jobs, Defaults.Jobs)
	c.Owners = cmp.Or(c.Owners, Defaults.Owners)
	c.Layers = cmp.Or(c.Layers, Defaults.Layers)
	c.Layers = max(c.Layers, 2)
	c.Tables = max(c.Tables, 2*c.Layers)
	c.Jobs = max(c.Jobs, 1)
	c.Owners = max(c.Owners, 1)
	return c
}

// Check reports a Config that cannot make a warehouse, naming the field.
func (c Config) Check() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"tables", c.Tables}, {"jobs", c.Jobs}, {"owners", c.Owners}, {"layers", c.Layers}, {"columns", c.Columns}} {
		if f.v < 0 {
			return lineage.FieldErrorf(f.name, "must not be negative, got %d", f.v)
		}
	}
	if c.Layers == 1 {
		return lineage.FieldErrorf("layers", "must be at least 2 (sources and one layer of jobs), got 1")
	}
	if c.Tables > 50_000_000 || c.Jobs > 50_000_000 {
		return lineage.Errorf(lineage.EINVALID, "At most 50 million tables and jobs.")
	}
	return nil
}

// Warehouse is a generated warehouse.
type Warehouse struct {
	Config Config
	// Tables are all table names, layer by layer.
	Tables []string
	// Layer holds the layer of each table in Tables.
	Layer []int
	// Jobs are in id order of generation; Jobs[i].Job.Path is where
	// WriteRepo puts the script.
	Jobs   []lineage.JobPut
	Owners []lineage.Owner
	// SQL holds the script text of each job, as WriteRepo writes it.
	SQL []string
}

var (
	layerNames = []string{"raw", "stg", "int", "dw", "mart", "rpt", "agg", "exp"}
	domains    = []string{"sales", "finance", "marketing", "product", "ops", "hr", "risk", "growth", "supply", "payments", "ads", "search"}
	nouns      = []string{"orders", "customers", "events", "sessions", "invoices", "payments", "accounts", "items", "clicks", "shipments", "refunds", "users", "campaigns", "inventory"}
	people     = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki"}
)

func layerName(l int) string {
	if l < len(layerNames) {
		return layerNames[l]
	}
	return fmt.Sprintf("l%d", l)
}

// zipf picks indices in [0, n) with a heavy-tailed law over a fixed random
// ranking, so that the popular indices are spread out.
type zipf struct {
	z    *rand.Zipf
	rank []int32
}

func newZipf(r *rand.Rand, n int, s, v float64) *zipf {
	rank := make([]int32, n)
	for i := range rank {
		rank[i] = int32(i)
	}
	r.Shuffle(n, func(i, j int) { rank[i], rank[j] = rank[j], rank[i] })
	return &zipf{z: rand.NewZipf(r, s, v, uint64(n-1)), rank: rank}
}

func (z *zipf) pick() int { return int(z.rank[z.z.Uint64()]) }

// Generate builds the warehouse described by cfg (zero fields take
// Defaults). The same cfg always gives the same warehouse.
func Generate(cfg Config) *Warehouse {
	cfg = cfg.withDefaults()
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x9e3779b97f4a7c15))
	w := &Warehouse{Config: cfg}

	// Layer 0 (sources) holds a quarter of the tables; the others share the rest.
	first := make([]int, cfg.Layers+1) // first[l] is the index of layer l's first table
	src := cfg.Tables / 4
	first[1] = src
	for l := 1; l < cfg.Layers; l++ {
		first[l+1] = src + (cfg.Tables-src)*l/(cfg.Layers-1)
	}
	for l := range cfg.Layers {
		for i := first[l]; i < first[l+1]; i++ {
			d, n := domains[r.IntN(len(domains))], nouns[r.IntN(len(nouns))]
			w.Tables = append(w.Tables, fmt.Sprintf("%s_%s.%s_%06d", layerName(l), d, n, i))
			w.Layer = append(w.Layer, l)
		}
	}
	// Reads follow a Zipf law within a layer half of the time and a uniform
	// one otherwise: hubs get thousands of readers, most tables a few.
	pop := make([]*zipf, cfg.Layers)
	for l := range cfg.Layers {
		pop[l] = newZipf(r, first[l+1]-first[l], 1.15, 4)
	}
	pickIn := func(l int) int {
		if r.IntN(2) == 0 {
			return first[l] + pop[l].pick()
		}
		return first[l] + r.IntN(first[l+1]-first[l])
	}

	for i := range cfg.Owners {
		d := domains[i%len(domains)]
		var h string
		if i%3 == 0 {
			h = fmt.Sprintf("team-%s-%d", d, i/3)
		} else {
			h = fmt.Sprintf("%s.%s%d", people[i%len(people)], d, i)
		}
		w.Owners = append(w.Owners, lineage.Owner{
			Handle: h, Email: h + "@example.com", JiraUser: fmt.Sprintf("acc-%06d", i), Team: d,
		})
	}
	owners := newZipf(r, cfg.Owners, 1.1, 10)
	readCount := rand.NewZipf(r, 1.6, 1, 11) // 0..11, mostly small

	// Jobs go to layers in proportion to the layers' sizes, and cycle
	// through each layer's tables so that every non-source table is written.
	nonSource := cfg.Tables - src
	next := make([]int, cfg.Layers)
	for j := range cfg.Jobs {
		// Job j's layer: spread jobs over layers 1.. in proportion.
		pos := first[1] + int(int64(j)*int64(nonSource)/int64(cfg.Jobs))
		l := w.Layer[pos]
		size := first[l+1] - first[l]
		writes := []string{w.Tables[first[l]+next[l]%size]}
		next[l]++
		if r.IntN(10) < 3 && size > 1 {
			if t := w.Tables[first[l]+r.IntN(size)]; t != writes[0] {
				writes = append(writes, t)
			}
		}
		n := 1 + int(readCount.Uint64())
		var reads []string
		for range n {
			from := l - 1
			if r.IntN(10) >= 6 {
				from = r.IntN(l)
			}
			t := w.Tables[pickIn(from)]
			if !slices.Contains(reads, t) {
				reads = append(reads, t)
			}
		}
		owner := ""
		if r.IntN(100) >= 3 {
			owner = w.Owners[owners.pick()].Handle
		}
		wf := j / jobsPerWorkflow
		d := domains[wf%len(domains)]
		path := fmt.Sprintf("%s/wf_%05d/j%07d.sql", d, wf, j)
		dialect := dialects[r.IntN(len(dialects))]
		jp := lineage.JobPut{
			Job:    lineage.Job{ID: Source + "/" + path, Source: Source, Path: path, Dialect: dialect, Owner: owner},
			Reads:  reads,
			Writes: writes,
		}
		text := script(jp, r)
		sum := sha256.Sum256([]byte(text))
		jp.Job.Hash = hex.EncodeToString(sum[:8])
		w.Jobs = append(w.Jobs, jp)
		w.SQL = append(w.SQL, text)
	}
	w.addColumns()
	return w
}

// jobsPerWorkflow is how many consecutive jobs share a workflow file.
const jobsPerWorkflow = 40

// dialects, weighted by repetition.
var dialects = []string{"spark", "spark", "spark", "spark", "hive", "hive", "hive", "mysql", "mysql", "postgres"}

// Readers returns the number of jobs reading each table, indexed like Tables.
func (w *Warehouse) Readers() []int {
	idx := make(map[string]int, len(w.Tables))
	for i, t := range w.Tables {
		idx[t] = i
	}
	n := make([]int, len(w.Tables))
	for _, j := range w.Jobs {
		for _, t := range j.Reads {
			n[idx[t]]++
		}
	}
	return n
}

// Hub returns the most-read table (the first by name among ties).
func (w *Warehouse) Hub() string {
	n := w.Readers()
	best := 0
	for i := range n {
		if n[i] > n[best] || n[i] == n[best] && w.Tables[i] < w.Tables[best] {
			best = i
		}
	}
	return w.Tables[best]
}

// MedianReaders returns the median reader count over tables read at least
// once.
func (w *Warehouse) MedianReaders() int {
	var read []int
	for _, c := range w.Readers() {
		if c > 0 {
			read = append(read, c)
		}
	}
	if len(read) == 0 {
		return 0
	}
	slices.Sort(read)
	return read[len(read)/2]
}

// Typical returns up to n tables whose reader count is the median (the
// typical table a user looks at), spread over the warehouse, in a fixed
// order.
func (w *Warehouse) Typical(n int) []string {
	med := w.MedianReaders()
	var out []string
	readers := w.Readers()
	var cands []string
	for i, c := range readers {
		if c == med && med > 0 {
			cands = append(cands, w.Tables[i])
		}
	}
	if len(cands) == 0 || n <= 0 {
		return nil
	}
	step := max(1, len(cands)/n)
	for i := 0; i < len(cands) && len(out) < n; i += step {
		out = append(out, cands[i])
	}
	return out
}

// Stats describes a warehouse.
type Stats struct {
	Config        Config         `json:"config"`
	Tables        int            `json:"tables"`
	Jobs          int            `json:"jobs"`
	Owners        int            `json:"owners"`
	Edges         int            `json:"edges"`
	Reads         int            `json:"reads"`
	Writes        int            `json:"writes"`
	Hub           string         `json:"hub"`
	HubReaders    int            `json:"hubReaders"`
	MedianReaders int            `json:"medianReaders"`
	UnreadTables  int            `json:"unreadTables"`
	UnownedJobs   int            `json:"unownedJobs"`
	MaxOwnerJobs  int            `json:"maxOwnerJobs"`
	Dialects      map[string]int `json:"dialects"`
}

// Stats computes the warehouse's statistics.
func (w *Warehouse) Stats() Stats {
	s := Stats{Config: w.Config, Tables: len(w.Tables), Jobs: len(w.Jobs), Owners: len(w.Owners), Dialects: map[string]int{}}
	perOwner := map[string]int{}
	for _, j := range w.Jobs {
		s.Reads += len(j.Reads)
		s.Writes += len(j.Writes)
		s.Dialects[j.Job.Dialect]++
		if j.Job.Owner == "" {
			s.UnownedJobs++
		} else {
			perOwner[j.Job.Owner]++
		}
	}
	for _, n := range perOwner {
		s.MaxOwnerJobs = max(s.MaxOwnerJobs, n)
	}
	s.Edges = s.Reads + s.Writes
	readers := w.Readers()
	for _, c := range readers {
		if c == 0 {
			s.UnreadTables++
		}
	}
	s.Hub = w.Hub()
	s.HubReaders = readers[slices.Index(w.Tables, s.Hub)]
	s.MedianReaders = w.MedianReaders()
	return s
}
