package embedded

// SetRecording switches event recording on or off, for the benchmarks'
// baseline of a write without its event.
func SetRecording(on bool) { recording = on }
