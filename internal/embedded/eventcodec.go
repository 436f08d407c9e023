package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// The stored form of an event is compact, because a workspace's history
// outgrows its data: an import of 100,000 relationships records 100,000
// events. It is
//
//	at      8 bytes, Unix nanoseconds, big-endian (first, so that a scan
//	        can stop on it without decoding the rest)
//	action  1 byte: c(reate), u(pdate), d(elete), e(rase)
//	then five length-prefixed (uvarint) strings: kind, actor, subject
//	(a node's id, or a relationship's key as a\x00b[\x00c]), before and
//	after (JSON; empty for null).
//
// Seq is in the key.

var actionCodes = map[string]byte{graph.ActionCreate: 'c', graph.ActionUpdate: 'u', graph.ActionDelete: 'd', graph.ActionErase: 'e'}

var codeActions = map[byte]string{'c': graph.ActionCreate, 'u': graph.ActionUpdate, 'd': graph.ActionDelete, 'e': graph.ActionErase}

func encodeEvent(e graph.Event) ([]byte, error) {
	at, err := time.Parse(time.RFC3339Nano, e.At)
	if err != nil {
		return nil, fmt.Errorf("event at %q: %w", e.At, err)
	}
	return encodeEventAt(e, at)
}

// encodeEventAt is encodeEvent with the at already parsed: the events of
// one write share it.
func encodeEventAt(e graph.Event, at time.Time) ([]byte, error) {
	code, ok := actionCodes[e.Action]
	if !ok {
		return nil, fmt.Errorf("event action %q", e.Action)
	}
	subject := e.ID
	if rk, isRel := graph.RelKindOfCompare(e.Kind); isRel {
		key, ok := graph.KeyOfMap(rk, e.Key)
		if !ok {
			return nil, fmt.Errorf("event of %s without its key", e.Kind)
		}
		subject = string(encodeRelKey(key))
	}
	before, after := jsonOrEmpty(e.Before), jsonOrEmpty(e.After)
	b := make([]byte, 0, 9+len(e.Kind)+len(e.Actor)+len(subject)+len(before)+len(after)+10)
	b = binary.BigEndian.AppendUint64(b, uint64(at.UnixNano()))
	b = append(b, code)
	for _, s := range [][]byte{[]byte(e.Kind), []byte(e.Actor), []byte(subject), before, after} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b, nil
}

func jsonOrEmpty(raw []byte) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// eventAt reads only the at of a stored event.
func eventAt(v []byte) (time.Time, bool) {
	if len(v) < 9 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC(), true
}

var errCorruptEvent = errors.New("corrupt event record")

func decodeEvent(seq int64, v []byte) (graph.Event, error) {
	at, ok := eventAt(v)
	if !ok {
		return graph.Event{}, errCorruptEvent
	}
	action, ok := codeActions[v[8]]
	if !ok {
		return graph.Event{}, errCorruptEvent
	}
	rest := v[9:]
	var parts [5][]byte
	for i := range parts {
		n, w := binary.Uvarint(rest)
		if w <= 0 || uint64(len(rest)-w) < n {
			return graph.Event{}, errCorruptEvent
		}
		parts[i], rest = rest[w:w+int(n)], rest[w+int(n):]
	}
	e := graph.Event{Seq: seq, At: at.Format(graph.EventTime), Action: action, Kind: string(parts[0]),
		Actor: graph.Actor(parts[1]), Before: nullable(parts[3]), After: nullable(parts[4])}
	if rk, isRel := graph.RelKindOfCompare(e.Kind); isRel {
		e.Key = graph.KeyMap(rk, decodeRelKey(parts[2]))
	} else {
		e.ID = string(parts[2])
	}
	return e, nil
}

func nullable(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return append([]byte(nil), b...)
}
