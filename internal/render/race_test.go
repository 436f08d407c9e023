//go:build race

package render_test

// raceEnabled is true when the tests run under the race detector, whose
// shadow memory makes every worker several times larger.
const raceEnabled = true
