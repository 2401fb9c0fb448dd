package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// flagSet returns a FlagSet whose --help prints synopsis, the flags (each
// with its environment variable) and examples.
func flagSet(name, synopsis, examples string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "%s\n\nFlags (an environment variable, where shown, sets the default):\n", strings.TrimSpace(synopsis))
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(w, "\nExamples:\n%s\n", strings.TrimRight(examples, "\n"))
		}
	}
	return fs
}

// envString returns the environment variable key, or def when it is unset.
func envString(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// envBool parses the environment variable key as a boolean, or returns def.
// A value that does not parse is reported through bad.
func envBool(key string, def bool, bad *[]string) bool {
	v, ok := os.LookupEnv(key)
	if !ok || v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		*bad = append(*bad, fmt.Sprintf("%s=%q is not a boolean (use true or false)", key, v))
		return def
	}
	return b
}

// envDuration parses the environment variable key as a duration, or returns def.
func envDuration(key string, def time.Duration, bad *[]string) time.Duration {
	v, ok := os.LookupEnv(key)
	if !ok || v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		*bad = append(*bad, fmt.Sprintf("%s=%q is not a duration (use for example 30s or 5m)", key, v))
		return def
	}
	return d
}

// parseFlags parses args. Asked for help, it prints the usage to stdout and
// stops with 0; on a bad flag the FlagSet has already said what is wrong on
// stderr, and it stops with 2.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (int, bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0, true
		}
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}
