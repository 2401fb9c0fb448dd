//go:build !unix

package parser

import "time"

// processCPU is not measured on this platform; BenchmarkRatio then reports
// only the wall-time ratio.
func processCPU() time.Duration { return 0 }
