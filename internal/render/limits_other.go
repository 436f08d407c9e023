//go:build !linux

package render

// limitMemory does nothing where the data segment limit does not cover
// mapped memory: the worker's memory is then bounded only by the pixel
// budget, the node limit and recycling.
func limitMemory(int64) error { return nil }

// residentBytes is unknown without /proc.
func residentBytes(int) (int64, bool) { return 0, false }
