package render

import "github.com/stakemap/stakemap/internal/render/gvcache"

// go-graphviz compiles Graphviz's WebAssembly when the program starts, in
// a package init that panics when its compilation cache fails. gvcache is
// initialised before it and hands it a checked cache folder (or none);
// this package imports go-graphviz, so its init runs after the module is
// loaded: the moment to put $TMPDIR back and record the cache.
func init() { gvcache.Settle() }
