package ingest

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/lineagehq/lineage"
)

// LoadSampleIfEmpty ingests the repository in fsys (the sample warehouse,
// examples/warehouse) when the store holds no job, as `lineage serve` does
// on its first start. It returns nil and no error when the store is not
// empty.
func LoadSampleIfEmpty(ctx context.Context, g lineage.GraphStore, fsys fs.FS) (*Summary, error) {
	c, err := g.Counts(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: sample: %w", err)
	}
	if c.Jobs > 0 {
		return nil, nil
	}
	in := &Ingester{Graph: g}
	return in.RunFS(ctx, fsys, Options{DefaultSource: "sample"})
}
