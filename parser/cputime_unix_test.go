//go:build unix

package parser

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time this process has used (user and system,
// all threads, so the garbage collector's work counts too). Unlike wall
// time it does not grow while other processes hold the CPU.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
