// Package web holds the workbench's templates and static assets (styles and
// a few small script modules), embedded in the binary so that the service
// needs no files beside it and no build step.
package web

import (
	"embed"
	"io/fs"
)

//go:embed templates static
var files embed.FS

// FS holds the templates/ and static/ directories of the workbench.
var FS fs.FS = files
