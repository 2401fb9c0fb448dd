package gql

import (
	"encoding/json"
	"errors"

	"github.com/lineagehq/lineage/gql/model"
	"github.com/lineagehq/lineage/parser"
)

// parse runs the parser on a script with a parser borrowed from the pool. A
// parser that panicked is not put back: its state is unknown.
func (r *Resolver) parse(sql string, opts parser.Options) (*model.ParseResult, error) {
	p := r.parsers.Get().(*parser.Parser)
	res, err := p.Parse(sql, opts)
	r.parsers.Put(p)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	out := &model.ParseResult{
		Reads:      res.Reads,
		Writes:     res.Writes,
		Statements: make([]model.ParsedStatement, len(res.Statements)),
		Warnings:   make([]model.ParseWarning, len(res.Warnings)),
		JSON:       string(js),
	}
	for i, s := range res.Statements {
		out.Statements[i] = model.ParsedStatement{Line: s.Line, Kind: s.Kind, Reads: s.Reads, Writes: s.Writes, Confidence: s.Confidence}
	}
	for i, w := range res.Warnings {
		out.Warnings[i] = model.ParseWarning{Line: w.Line, Column: w.Column, Message: w.Message}
	}
	return out, nil
}

// addPosition puts the line and column of a parse error in the error's
// extensions, for editors to point at.
func addPosition(err error, ext map[string]any) {
	var pe *parser.Error
	if errors.As(err, &pe) && pe.Line > 0 {
		ext["line"], ext["column"] = pe.Line, pe.Column
	}
}
