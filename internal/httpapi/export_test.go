package httpapi

import "io"

// GuardJSON exposes the strict-body guard to the benchmarks: r passed
// through, scanned for what the JSON decoder would silently change.
func GuardJSON(r io.Reader) io.Reader { return newJSONGuard(r) }
