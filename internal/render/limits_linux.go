package render

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// limitMemory caps this process's data segment: on Linux (since 4.7) that
// is every private writable mapping, so the Go heap, Graphviz's
// WebAssembly memory and the painter's images all count, and an
// allocation past the limit fails. The Go runtime then ends the process
// with "out of memory", which the parent reads on its standard error.
// Unlike the address space, which Graphviz's runtime reserves by the
// gigabyte without using it, the data segment follows real use.
func limitMemory(bytes int64) error {
	lim := syscall.Rlimit{Cur: uint64(bytes), Max: uint64(bytes)}
	return syscall.Setrlimit(syscall.RLIMIT_DATA, &lim)
}

// residentBytes reads a process's resident set size.
func residentBytes(pid int) (int64, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}
