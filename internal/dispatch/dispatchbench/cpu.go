package dispatchbench

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/store/sqldb"
)

// On a machine shared with other work, wall-clock throughput follows the
// load; CPU time per attempt, split by who spent it, does not. These read
// Linux's /proc and answer zero elsewhere.

// clockTick is Linux's USER_HZ, the unit of /proc CPU times (100 on
// every mainstream architecture).
const clockTick = 10 * time.Millisecond

// MachineCPU returns the CPU time every core of the machine has spent busy
// (not idle, not waiting on I/O) since boot: all processes, this one's,
// the database's and anyone else's.
func MachineCPU() time.Duration {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * clockTick
}

// Load returns the 1-minute load average as /proc/loadavg prints it.
func Load() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// procTimes returns a process's own CPU time and that of its children
// it has waited for, from /proc/<pid>/stat.
func procTimes(pid int) (self, children time.Duration, ppid int, ok bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	// The command name (field 2) may hold spaces; fields resume after ')'.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14–17.
	if len(f) < 15 {
		return 0, 0, 0, false
	}
	num := func(k int) int64 { n, _ := strconv.ParseInt(f[k-3], 10, 64); return n }
	return time.Duration(num(14)+num(15)) * clockTick, time.Duration(num(16)+num(17)) * clockTick, int(num(4)), true
}

// PostgresCPU returns a probe of the CPU time PostgreSQL's backends have
// spent, when the server runs on this machine: the postmaster's
// waited-for children's time, which a backend's time joins when its
// connection closes. Read it before the workers start and after they have
// exited (and their connections closed); the difference is their
// backends' CPU time, plus that of any other connection closed meanwhile.
// ok is false when the server is not local (or not Linux).
func PostgresCPU(ctx context.Context, db *sqldb.DB) (probe func() time.Duration, ok bool) {
	if !db.Postgres() {
		return nil, false
	}
	var backend int
	if err := db.SQL().QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return nil, false
	}
	_, _, postmaster, ok := procTimes(backend)
	if !ok || postmaster <= 1 {
		return nil, false
	}
	return func() time.Duration {
		_, ch, _, _ := procTimes(postmaster)
		return ch
	}, true
}
