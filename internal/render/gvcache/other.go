//go:build !(linux || darwin)

package gvcache

import (
	"errors"
	"io/fs"
)

// errUnsupported keeps the cache off where its folder cannot be checked:
// Graphviz is then compiled at every start, which is slow but safe.
var errUnsupported = errors.New("the Graphviz cache is only used on Linux and macOS")

func ownedBySelf(fs.FileInfo) error { return errUnsupported }

func writable(string) error { return errUnsupported }

func roomToWrite(string) error { return errUnsupported }
