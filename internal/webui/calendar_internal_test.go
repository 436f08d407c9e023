package webui

import "testing"

// TestUnreachableHost: the calendar link warns when Outlook's and
// Google's servers cannot fetch it.
func TestUnreachableHost(t *testing.T) {
	for _, c := range []struct {
		url, host string
		local     bool
	}{
		{"http://127.0.0.1:8080/calendar/x.ics", "127.0.0.1", true},
		{"http://localhost:8080/calendar/x.ics", "localhost", true},
		{"http://[::1]:8080/calendar/x.ics", "::1", true},
		{"http://0.0.0.0:8080/calendar/x.ics", "0.0.0.0", true},
		{"http://192.168.1.20/calendar/x.ics", "192.168.1.20", false},
		{"http://10.0.0.5/calendar/x.ics", "10.0.0.5", false},
		{"http://stakemap/calendar/x.ics", "stakemap", false},
		{"http://stakemap.corp.internal/calendar/x.ics", "stakemap.corp.internal", false},
		{"https://stakemap.example.org/calendar/x.ics", "", false},
		{"https://203.0.113.9/calendar/x.ics", "", false},
	} {
		host, local := unreachableHost(c.url)
		if host != c.host || local != c.local {
			t.Errorf("unreachableHost(%s) = %q, %v; want %q, %v", c.url, host, local, c.host, c.local)
		}
	}
}
