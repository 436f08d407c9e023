//go:build !race

package embedded_test

// raceEnabled is true when the tests run under the race detector, which
// makes every child process several times slower.
const raceEnabled = false
