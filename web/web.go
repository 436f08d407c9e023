// Package web holds stakemap's read-only web page: index.html (a template
// whose only field is the page language) and its static assets, embedded
// in the binary so that the service needs no files beside it.
package web

import (
	"embed"
	"io/fs"
)

//go:embed index.html static
var files embed.FS

// FS holds index.html and the static/ directory of the page.
var FS fs.FS = files
