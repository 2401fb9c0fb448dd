package campaigns

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// instances holds the instance ids of this process's services: a holder
// with this process's pid and one of these ids is alive.
var instances sync.Map

// newHolder returns "hostname:pid:instance" with a random instance id, and
// registers the instance as alive in this process.
func newHolder() string {
	var b [6]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead)
	inst := hex.EncodeToString(b[:])
	instances.Store(inst, true)
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), inst)
}

// holderDead reports whether the process that wrote a lease holder of the
// form "hostname:pid:instance" is known to be gone, and says how it knows.
// Only a holder on this host can be known dead: one with this process's
// pid but an instance this process never started (a restart that got the
// same pid, as in a container), or one whose pid runs no process. Anything
// else (another host, a holder in another form, a pid that runs something)
// may be alive, and its lease is left to expire.
func holderDead(holder string) (bool, string) {
	parts := strings.Split(holder, ":")
	if len(parts) != 3 || parts[2] == "" {
		return false, ""
	}
	host, _ := os.Hostname()
	pid, err := strconv.Atoi(parts[1])
	if parts[0] != host || err != nil || pid <= 0 {
		return false, ""
	}
	if pid == os.Getpid() {
		if _, live := instances.Load(parts[2]); live {
			return false, ""
		}
		return true, "had this process's pid but is an earlier process (restarted)"
	}
	if !processGone(pid) {
		return false, ""
	}
	return true, fmt.Sprintf("ran as pid %d on this host and is no longer running", pid)
}

// processGone reports whether no process has the pid (signal 0 probes it
// without sending anything).
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
}
