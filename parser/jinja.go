package parser

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/nikolalohinski/gonja/v2/builtins"
	cstructs "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/nodes"
	gparser "github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// Jinja control flow ({% if %}, {% for %}, {% set %}) in SQL templates
// (bigquery-etl, dbt), rendered by gonja, a Jinja2 engine for Go, with
// three changes that lineage needs:
//
//   - Every piece of template text is written with its place in the
//     script, so that the rendered SQL keeps a position map and errors and
//     warnings still point at the line and column the user wrote.
//   - A condition that the given variables do not decide (is_init(),
//     is_incremental(), a variable nobody set) is an unknown: the template
//     is rendered once per combination of its unknowns' values, each
//     rendering is parsed on its own, and the lineage is the union. A
//     warning names each unknown condition and its line.
//   - {{ expr }} that Jinja cannot evaluate (ref(), source(), a variable
//     nobody set) is left in the text as written, for the template code of
//     template.go, which resolves dbt's functions and warns about the rest.
//
// Nothing can reach outside the script: include, import, extends, from,
// macro and call are not available (a template using them is a warning and
// its tags are ignored, as before), range() is bounded and the rendered text
// is capped.

const (
	maxJinjaUnknowns = 4       // unknown conditions varied together (2^4 renderings)
	maxJinjaRange    = 10000   // items of range()
	maxJinjaOutput   = 8 << 20 // bytes of one rendering, beyond 16 times the script
)

// jinjaFuncs are macros whose value a script cannot know at parse time:
// each is an unknown condition.
var jinjaFuncs = []string{"is_init", "is_incremental"}

// errJinjaLimit stops a rendering that grows past its cap.
var errJinjaLimit = errors.New("the rendered template is too large")

var jinjaSetup = sync.OnceValue(func() *exec.ControlStructureSet {
	set := exec.NewControlStructureSet(map[string]gparser.ControlStructureParser{})
	for _, name := range []string{"for", "set", "raw", "with", "filter", "autoescape", "do", "break", "continue"} {
		if p, ok := cstructs.All.Get(name); ok {
			_ = set.Register(name, p)
		}
	}
	_ = set.Register("if", jinjaIfParser)
	return set
})

// jinjaVariant is one rendering of a template: its text and the map from
// the text back to the script.
type jinjaVariant struct {
	text string
	segs []seg
}

// jinjaRender is the state of rendering one script; it is the io.Writer
// gonja writes to.
type jinjaRender struct {
	src    string
	out    builder
	last   int // script offset after the last piece written
	limit  int
	assign map[string]bool // values of the unknown conditions in this rendering
	atoms  []jinjaAtom     // unknown conditions, in the order found
	curOff int             // script offset of the condition being evaluated
}

type jinjaAtom struct {
	key  string
	offs []int // where it is asked (script offsets)
}

// Write takes text gonja writes on its own (a raw block): it is mapped to
// the place of the last piece.
func (w *jinjaRender) Write(b []byte) (int, error) {
	if len(w.out.buf)+len(b) > w.limit {
		return 0, errJinjaLimit
	}
	w.out.lit(string(b), w.last)
	return len(b), nil
}

// copySrc appends src[from:to] as a piece of the script.
func (w *jinjaRender) copySrc(from, to int) error {
	if len(w.out.buf)+to-from > w.limit {
		return errJinjaLimit
	}
	w.out.copy(w.src, from, to)
	w.last = to
	return nil
}

// unknown returns the value of the unknown condition key in this
// rendering, recording it the first time.
func (w *jinjaRender) unknown(key string) bool {
	for i := range w.atoms {
		a := &w.atoms[i]
		if a.key == key {
			if !slices.Contains(a.offs, w.curOff) {
				a.offs = append(a.offs, w.curOff)
			}
			return w.assign[key]
		}
	}
	w.atoms = append(w.atoms, jinjaAtom{key: key, offs: []int{w.curOff}})
	return w.assign[key]
}

// renderJinja renders a script holding {% %} tags. It returns the
// renderings to parse (one if every condition is decided) and the warnings
// to add, as script offsets and messages; ok is false if the template does
// not parse or render, after a warning saying why: the caller then ignores
// its tags as before.
func renderJinja(script string, vars map[string]string, warnScript func(off int, msg string)) (variants []jinjaVariant, ok bool) {
	// gonja reads \r\n and \r as \n and counts offsets in that text: so
	// do we, and map back to the script at the end.
	src, nl := script, []seg(nil)
	if strings.IndexByte(script, '\r') >= 0 {
		src, nl = normalizeNewlines(script)
	}
	warn := func(off int, msg string) {
		if nl != nil {
			off = mapOffset(nl, off)
		}
		warnScript(off, msg)
	}
	defer func() {
		if nl != nil {
			for i := range variants {
				variants[i].segs = composeSegs(variants[i].segs, nl, len(variants[i].text))
			}
		}
	}()
	tpl, err := newJinjaTemplate(src)
	if err != nil {
		warn(jinjaErrOffset(src, err), "Jinja template does not parse ("+jinjaMessage(err)+"); its {% %} tags are ignored")
		return nil, false
	}
	w := &jinjaRender{src: src, limit: max(16*len(src), maxJinjaOutput)}
	rewriteJinja(tpl)
	render := func(assign map[string]bool) (v jinjaVariant, err error) {
		defer func() {
			if r := recover(); r != nil { // a bug in gonja must not stop the parse
				err = fmt.Errorf("internal error in the template engine: %v", r)
			}
		}()
		w.out = builder{}
		w.last = 0
		w.assign = assign
		ctx := exec.NewContext(map[string]any{})
		for k, v := range vars {
			if isSimpleName(k) && !strings.ContainsAny(k, ".:") {
				ctx.Set(k, v)
			}
		}
		for _, name := range jinjaFuncs {
			key := name + "()"
			ctx.Set(name, func() bool { return w.unknown(key) })
		}
		ctx.Set("range", jinjaRange)
		err = tpl.Execute(w, ctx)
		return jinjaVariant{text: string(w.out.buf), segs: slices.Clone(w.out.segs)}, err
	}
	first, err := render(map[string]bool{})
	if err != nil {
		warn(jinjaErrOffset(src, err), "Jinja template did not render ("+jinjaMessage(err)+"); its {% %} tags are ignored")
		return nil, false
	}
	variants = append(variants, first)
	// Vary the unknown conditions together; a rendering may reach a
	// condition the first did not (a nested if): start again with it.
	for done := 0; ; {
		n := min(len(w.atoms), maxJinjaUnknowns)
		if n == done {
			break
		}
		done = n
		variants = variants[:1]
		for mask := 1; mask < 1<<n; mask++ {
			assign := map[string]bool{}
			for i := 0; i < n; i++ {
				assign[w.atoms[i].key] = mask&(1<<i) != 0
			}
			v, err := render(assign)
			if err != nil {
				warn(w.atoms[0].offs[0], "Jinja template did not render with "+describeAssign(assign)+" ("+jinjaMessage(err)+"); that combination is left out")
				continue
			}
			if !slices.ContainsFunc(variants, func(o jinjaVariant) bool { return o.text == v.text }) {
				variants = append(variants, v)
			}
		}
	}
	for i, a := range w.atoms {
		for _, off := range a.offs {
			if i < maxJinjaUnknowns {
				warn(off, "Jinja condition "+a.key+" is unknown here: each branch was parsed on its own and their tables united")
			} else {
				warn(off, "Jinja condition "+a.key+" is unknown here and taken as false (more than "+fmt.Sprint(maxJinjaUnknowns)+" unknown conditions)")
			}
		}
	}
	return variants, true
}

func describeAssign(assign map[string]bool) string {
	keys := make([]string, 0, len(assign))
	for k := range assign {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = %v", k, assign[k])
	}
	return b.String()
}

// normalizeNewlines returns s with \r\n and \r as \n, and its map to s.
func normalizeNewlines(s string) (string, []seg) {
	var b builder
	from := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '\r' {
			continue
		}
		b.copy(s, from, i)
		if i+1 < len(s) && s[i+1] == '\n' {
			from = i + 1 // the \n is copied with what follows
		} else {
			b.lit("\n", i)
			from = i + 1
		}
	}
	b.copy(s, from, len(s))
	return string(b.buf), b.segs
}

// jinjaRange is Jinja's range(), bounded.
func jinjaRange(_ *exec.Evaluator, params *exec.VarArgs) ([]int, error) {
	start, stop, step := 0, 0, 1
	a := params.Args
	for _, v := range a {
		if !v.IsInteger() {
			return nil, errors.New("range() takes integers")
		}
	}
	switch len(a) {
	case 1:
		stop = a[0].Integer()
	case 2:
		start, stop = a[0].Integer(), a[1].Integer()
	case 3:
		start, stop, step = a[0].Integer(), a[1].Integer(), a[2].Integer()
	default:
		return nil, errors.New("range() takes one to three arguments")
	}
	if step == 0 {
		return nil, errors.New("range() step must not be 0")
	}
	var out []int
	for i := start; step > 0 && i < stop || step < 0 && i > stop; i += step {
		if len(out) == maxJinjaRange {
			return nil, fmt.Errorf("range() of more than %d items", maxJinjaRange)
		}
		out = append(out, i)
	}
	return out, nil
}

// jinjaLoader serves the script itself and nothing else.
type jinjaLoader struct{ src string }

func (l jinjaLoader) Read(path string) (io.Reader, error) {
	if path != "script" {
		return nil, fmt.Errorf("templates may not load %q", path)
	}
	return strings.NewReader(l.src), nil
}
func (l jinjaLoader) Resolve(path string) (string, error)    { return path, nil }
func (l jinjaLoader) Inherit(string) (loaders.Loader, error) { return l, nil }

func newJinjaTemplate(src string) (tpl *exec.Template, err error) {
	defer func() {
		if r := recover(); r != nil {
			tpl, err = nil, fmt.Errorf("%v", r)
		}
	}()
	cfg := config.New()
	cfg.StrictUndefined = true
	cfg.KeepTrailingNewline = true
	env := &exec.Environment{
		Context:           exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables),
		Filters:           builtins.Filters,
		Tests:             builtins.Tests,
		ControlStructures: jinjaSetup(),
		Methods:           builtins.Methods,
	}
	return exec.NewTemplate("script", cfg, jinjaLoader{src}, env)
}

// rewriteJinja replaces the template's text and {{ }} nodes by ones that
// write with their positions.
func rewriteJinja(tpl *exec.Template) {
	if root := tpl.Root(); root != nil {
		rewriteNodes(root.Nodes)
	}
}

func rewriteNodes(ns []nodes.Node) {
	for i, n := range ns {
		switch x := n.(type) {
		case *nodes.Data:
			ns[i] = &nodes.ControlStructureBlock{Location: x.Data, Name: "data", ControlStructure: &jinjaData{x}}
		case *nodes.Output:
			ns[i] = &nodes.ControlStructureBlock{Location: x.Start, Name: "output", ControlStructure: &jinjaOutput{x}}
		case *nodes.ControlStructureBlock:
			switch c := x.ControlStructure.(type) {
			case *jinjaIf:
				for _, wr := range c.wrappers {
					rewriteNodes(wr.Nodes)
				}
			case *cstructs.ForControlStructure:
				if c.BodyWrapper != nil {
					rewriteNodes(c.BodyWrapper.Nodes)
				}
				if c.EmptyWrapper != nil {
					rewriteNodes(c.EmptyWrapper.Nodes)
				}
			}
		}
	}
}

// jinjaData writes template text, trimmed as gonja's renderer does, as a
// piece of the script.
type jinjaData struct{ d *nodes.Data }

func (j *jinjaData) Position() *tokens.Token { return j.d.Data }
func (j *jinjaData) String() string          { return j.d.String() }

func (j *jinjaData) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	w, ok := r.Output.(*jinjaRender)
	if !ok {
		return errors.New("unexpected writer")
	}
	n := j.d
	val := n.Data.Val
	a, b := 0, len(val)
	if n.RemoveFirstLineReturn {
		if strings.HasPrefix(val, "\r\n") {
			a = 2
		} else if strings.HasPrefix(val, "\n") {
			a = 1
		}
	}
	if n.Trim.Left {
		for a < b && strings.IndexByte(" \r\n\t", val[a]) >= 0 {
			a++
		}
	}
	if n.Trim.Right {
		for b > a && strings.IndexByte(" \r\n\t", val[b-1]) >= 0 {
			b--
		}
	}
	if n.RemoveTrailingWhiteSpaceFromLastLine {
		nl := strings.LastIndexByte(val[a:b], '\n')
		for b > a+nl+1 && strings.IndexByte(" \n\t\r", val[b-1]) >= 0 {
			b--
		}
	}
	pos := n.Data.Pos
	if pos < 0 || pos+len(val) > len(w.src) || w.src[pos:pos+len(val)] != val {
		// Not the script's own text (cannot happen with gonja's lexer
		// today): keep it, mapped to where it was found.
		_, err := w.Write([]byte(val[a:b]))
		return err
	}
	return w.copySrc(pos+a, pos+b)
}

// jinjaOutput writes {{ expr }}: its value if Jinja knows it, else the
// expression as written, for expandTemplate.
type jinjaOutput struct{ o *nodes.Output }

func (j *jinjaOutput) Position() *tokens.Token { return j.o.Start }
func (j *jinjaOutput) String() string          { return j.o.String() }

func (j *jinjaOutput) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	w, ok := r.Output.(*jinjaRender)
	if !ok {
		return errors.New("unexpected writer")
	}
	o := j.o
	start, end := o.Start.Pos, o.End.Pos+len(o.End.Val)
	w.curOff = start
	var v *exec.Value
	if o.Condition != nil {
		c := r.Eval(o.Condition)
		cond := false
		if c.IsError() {
			cond = w.unknown(o.Condition.String())
		} else {
			cond = !c.IsNil() && c.IsTrue()
		}
		switch {
		case cond:
			v = r.Eval(o.Expression)
		case o.Alternative != nil:
			v = r.Eval(o.Alternative)
		default:
			w.last = end
			return nil
		}
	} else {
		v = r.Eval(o.Expression)
	}
	if v.IsError() || v.IsNil() {
		if start >= 0 && end <= len(w.src) && start < end {
			return w.copySrc(start, end)
		}
		return nil
	}
	s := v.String()
	if len(w.out.buf)+len(s) > w.limit {
		return errJinjaLimit
	}
	w.out.lit(s, start)
	w.last = end
	return nil
}

// jinjaIf is {% if %} ... {% elif %} ... {% else %} ... {% endif %}, where a
// condition that does not evaluate is an unknown of the rendering.
type jinjaIf struct {
	loc      *tokens.Token
	conds    []nodes.Expression
	wrappers []*nodes.Wrapper
}

func (j *jinjaIf) Position() *tokens.Token { return j.loc }
func (j *jinjaIf) String() string          { return fmt.Sprintf("if(line %d)", j.loc.Line) }

func (j *jinjaIf) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	w, ok := r.Output.(*jinjaRender)
	if !ok {
		return errors.New("unexpected writer")
	}
	for i, cond := range j.conds {
		at := j.loc.Pos
		if p := cond.Position(); p != nil && i > 0 {
			at = p.Pos
		}
		w.curOff = tagStart(w.src, at)
		v := r.Eval(cond)
		var yes bool
		if v.IsError() {
			yes = w.unknown(w.tagText(at))
		} else {
			yes = v.IsTrue()
		}
		if yes {
			return r.ExecuteIfWrapper(j.wrappers[i])
		}
	}
	if len(j.wrappers) > len(j.conds) {
		return r.ExecuteIfWrapper(j.wrappers[len(j.conds)])
	}
	return nil
}

// jinjaIfParser parses an if tag as gonja's own does.
func jinjaIfParser(p *gparser.Parser, args *gparser.Parser) (nodes.ControlStructure, error) {
	n := &jinjaIf{loc: args.Current()}
	cond, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	n.conds = append(n.conds, cond)
	if !args.End() {
		return nil, args.Error("If-condition is malformed.", nil)
	}
	for {
		wrapper, tagArgs, err := p.WrapUntil("elif", "else", "endif")
		if err != nil {
			return nil, err
		}
		n.wrappers = append(n.wrappers, wrapper)
		switch wrapper.EndTag {
		case "elif":
			cond, err := tagArgs.ParseExpression()
			if err != nil {
				return nil, err
			}
			n.conds = append(n.conds, cond)
			if !tagArgs.End() {
				return nil, tagArgs.Error("Elif-condition is malformed.", nil)
			}
		default:
			if !tagArgs.End() {
				return nil, tagArgs.Error("Arguments not allowed here.", nil)
			}
		}
		if wrapper.EndTag == "endif" {
			return n, nil
		}
	}
}

// tagStart returns the offset of the {% that opens the tag around off.
func tagStart(src string, off int) int {
	off = max(0, min(off, len(src)))
	if i := strings.LastIndex(src[:off], "{%"); i >= 0 {
		return i
	}
	return off
}

// tagText returns the tag text from script offset off to the tag's end,
// for messages: "is_init()" of {% if is_init() %}.
func (w *jinjaRender) tagText(off int) string {
	if off < 0 || off >= len(w.src) {
		return "?"
	}
	rest := w.src[off:]
	if e := strings.Index(rest, "%}"); e >= 0 {
		rest = rest[:e]
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "-"))
}

// jinjaErrOffset finds the script offset of a gonja error ("Line: 3 Col: 5").
func jinjaErrOffset(src string, err error) int {
	var se *gparser.SyntaxError
	if !errors.As(err, &se) || se.Line <= 0 {
		return 0
	}
	off := 0
	for l := 1; l < se.Line; l++ {
		j := strings.IndexByte(src[off:], '\n')
		if j < 0 {
			return len(src)
		}
		off += j + 1
	}
	return min(off+max(se.Column-1, 0), len(src)) // gonja counts columns from 1
}

func jinjaMessage(err error) string {
	var se *gparser.SyntaxError
	if errors.As(err, &se) {
		err = se // not the wrapping "failed to parse template '<the whole script>'"
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

// composeSegs maps through outer (text -> in) and then inner (in -> script):
// the result maps text to the script. An empty outer means text is in.
func composeSegs(outer, inner []seg, textLen int) []seg {
	if len(outer) == 0 {
		return slices.Clone(inner)
	}
	out := make([]seg, 0, len(outer)+len(inner))
	for k, o := range outer {
		if o.lit {
			out = append(out, seg{out: o.out, src: mapOffset(inner, o.src), lit: true})
			continue
		}
		end := textLen
		if k+1 < len(outer) {
			end = outer[k+1].out
		}
		from, to := o.src, o.src+(end-o.out) // the range of in this seg copies
		// the inner segs that overlap [from, to)
		j, _ := slices.BinarySearchFunc(inner, from+1, func(s seg, off int) int { return s.out - off })
		if j > 0 {
			j--
		}
		for ; j < len(inner) && inner[j].out < to; j++ {
			s := inner[j]
			a := max(s.out, from)
			if j+1 < len(inner) && inner[j+1].out <= a {
				continue
			}
			src := s.src
			if !s.lit {
				src += a - s.out
			}
			out = append(out, seg{out: o.out + (a - from), src: src, lit: s.lit})
		}
	}
	return out
}

// parseJinja parses a script with {% %} tags: each rendering of its
// template on its own, their lineage united. ok is false if the template
// could not be rendered (after a warning); the caller then parses the
// script as it is.
func (p *Parser) parseJinja(src string, opts Options, dl dialect) (res *Result, err error, ok bool) {
	var warns []Warning
	p.sc.reset(src, opts.File)
	variants, ok := renderJinja(src, opts.Vars, func(off int, msg string) {
		line, col := p.sc.pos(off)
		warns = append(warns, Warning{Line: line, Column: col, Message: msg})
	})
	if !ok {
		res, err = p.parseText(src, src, nil, opts, dl)
		if res != nil {
			res.Warnings = mergeWarnings(warns, res.Warnings)
		}
		return res, err, true
	}
	var firstErr error
	var byLine map[int][]int // statements of res by line
	for _, v := range variants {
		r, err := p.parseText(src, v.text, v.segs, opts, dl)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if res == nil {
			res = r
			byLine = make(map[int][]int, len(r.Statements))
			for i, st := range r.Statements {
				byLine[st.Line] = append(byLine[st.Line], i)
			}
			continue
		}
		res.Reads = unionSorted(res.Reads, r.Reads)
		res.Writes = unionSorted(res.Writes, r.Writes)
		for _, st := range r.Statements {
			i := slices.IndexFunc(byLine[st.Line], func(i int) bool { return sameStatement(res.Statements[i], st) })
			if i < 0 {
				byLine[st.Line] = append(byLine[st.Line], len(res.Statements))
				res.Statements = append(res.Statements, st)
			} else if opts.Columns {
				// The same statement in another rendering: its column
				// lineage may differ (a column chosen by a branch).
				same := &res.Statements[byLine[st.Line][i]]
				same.Columns = unionColumns(same.Columns, st.Columns)
				same.References = unionRefs(same.References, st.References)
			}
		}
		if opts.Columns {
			res.Columns = unionColumns(res.Columns, r.Columns)
			res.References = unionRefs(res.References, r.References)
		}
		res.Warnings = mergeWarnings(res.Warnings, r.Warnings)
	}
	if res == nil {
		return nil, firstErr, true
	}
	slices.SortStableFunc(res.Statements, func(a, b Statement) int { return a.Line - b.Line })
	if len(res.Reads) > 0 || len(res.Writes) > 0 {
		// One rendering without tables does not make the script empty.
		res.Warnings = slices.DeleteFunc(res.Warnings, func(w Warning) bool { return w.Message == nothingToExtract })
	}
	res.Warnings = mergeWarnings(warns, res.Warnings)
	return res, nil, true
}

func sameStatement(a, b Statement) bool {
	return a.Line == b.Line && a.Kind == b.Kind && a.Confidence == b.Confidence &&
		slices.Equal(a.Reads, b.Reads) && slices.Equal(a.Writes, b.Writes)
}

func unionSorted(a, b []string) []string {
	out := append(slices.Clip(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// mergeWarnings returns a and b without duplicates, by position.
func mergeWarnings(a, b []Warning) []Warning {
	out := make([]Warning, 0, len(a)+len(b))
	seen := make(map[Warning]bool, len(a)+len(b))
	for _, list := range [][]Warning{a, b} {
		for _, w := range list {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Warning) int {
		if x.Line != y.Line {
			return x.Line - y.Line
		}
		return x.Column - y.Column
	})
	return out
}

// unionColumns merges the column lineage of two renderings of a script.
func unionColumns(a, b []ColumnLineage) []ColumnLineage {
	all := make([]ColumnLineage, 0, len(a)+len(b))
	for _, cl := range append(slices.Clip(a), b...) {
		cl.Sources = slices.Clone(cl.Sources)
		cl.Unresolved = slices.Clone(cl.Unresolved)
		all = append(all, cl)
	}
	return finishCols(all)
}

// unionRefs merges the column references of two renderings of a script.
func unionRefs(a, b []ColumnRef) []ColumnRef {
	return finishRefs(append(slices.Clone(a), b...))
}
