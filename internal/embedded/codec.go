package embedded

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/stakemap/stakemap/graph"
)

// Key layout. The file has three top-level buckets (records.go
// describes the third, records, the service's own state):
//
//	meta                     format marker; its sequence numbers revisions
//	workspaces/<ws>/         one bucket per workspace, so a workspace is
//	                         replaced or deleted by dropping one bucket
//	    workspace            JSON of the graph.Workspace
//	    revision             8-byte sequence number of the last write
//	    ids/<id>             1-byte kind code: ids are unique across kinds
//	    n.<kind>/<id>        8-byte version + JSON of the node
//	    r.<relkind>/a\x00b[\x00role]
//	                         relationship by its first end, with the
//	                         fields outside its key as value
//	    b.<relkind>/b\x00a[\x00role]
//	                         the same relationships by their second end
//	    refs/<id>\x00<code>\x00<node id>
//	                         nodes whose fields name id (engagement with
//	                         and about, enabler owner)
//
// Ids never contain \x00, and \x00 sorts before every id character, so
// the byte order of relationship keys is the canonical (a, b, role) order
// of the bundle arrays: export reads every bucket in order and sorts
// nothing, and a prefix scan of "id\x00" finds every relationship at a
// node, which keeps a delete proportional to the node's degree. Keeping
// the indexes in one bucket per kind, rather than one big bucket, keeps
// the in-memory B+tree nodes of a bulk import small.
var (
	bucketMeta       = []byte("meta")
	bucketWorkspaces = []byte("workspaces")
	bucketIDs        = []byte("ids")
	bucketRefs       = []byte("refs")
	keyFormat        = []byte("format")
	keyWorkspace     = []byte("workspace")
	keyRevision      = []byte("revision")
)

// fileFormat marks a file as a stakemap database of this layout.
const fileFormat = "stakemap-embedded/1"

// Kind codes stored in the ids bucket.
var kindCodes = map[graph.Kind]byte{
	graph.KindStakeholder: 's',
	graph.KindTrajectory:  't',
	graph.KindGoal:        'g',
	graph.KindEnabler:     'e',
	graph.KindEngagement:  'm',
}

var codeKinds = func() map[byte]graph.Kind {
	m := make(map[byte]graph.Kind, len(kindCodes))
	for k, c := range kindCodes {
		m[c] = k
	}
	return m
}()

func nodeBucket(k graph.Kind) []byte { return []byte("n." + string(k)) }

func relBucket(k graph.RelKind) []byte { return []byte("r." + string(k)) }

func revBucket(k graph.RelKind) []byte { return []byte("b." + string(k)) }

// validRelKind reports whether k is one of graph.RelKinds.
func validRelKind(k graph.RelKind) bool { return slices.Contains(graph.RelKinds, k) }

// Codes of the refs index: which field of the referring node holds the id.
const (
	refWith  = 'W' // engagement <rest> has id in `with`
	refAbout = 'A' // engagement <rest> has id in `about`
	refOwner = 'O' // enabler <rest> is owned by id
)

func refKey(target string, code byte, rest []byte) []byte {
	k := make([]byte, 0, len(target)+2+len(rest))
	k = append(k, target...)
	k = append(k, 0, code, 0)
	return append(k, rest...)
}

// refPrefix is the prefix of every refs entry of target.
func refPrefix(target string) []byte { return append([]byte(target), 0) }

// splitRef returns the code and rest of a refs key.
func splitRef(k []byte) (code byte, rest []byte, ok bool) {
	i := bytes.IndexByte(k, 0)
	if i < 0 || len(k) < i+3 {
		return 0, nil, false
	}
	return k[i+1], k[i+3:], true
}

func encodeRelKey(k graph.RelKey) []byte {
	b := make([]byte, 0, len(k.A)+len(k.B)+len(k.C)+2)
	b = append(b, k.A...)
	b = append(b, 0)
	b = append(b, k.B...)
	if k.C != "" {
		b = append(b, 0)
		b = append(b, k.C...)
	}
	return b
}

func decodeRelKey(b []byte) graph.RelKey {
	var k graph.RelKey
	a, rest, _ := bytes.Cut(b, []byte{0})
	bb, c, _ := bytes.Cut(rest, []byte{0})
	k.A, k.B, k.C = string(a), string(bb), string(c)
	return k
}

// encodeRelValue holds the fields of a relationship that are not its key.
func encodeRelValue(r graph.Relation) []byte {
	switch r := r.(type) {
	case graph.Stake:
		// 0 means "not overridden"; valid overrides are 1–5.
		v := []byte{0, 0}
		if r.Interest != nil {
			v[0] = byte(*r.Interest)
		}
		if r.Influence != nil {
			v[1] = byte(*r.Influence)
		}
		return v
	case graph.Influence:
		return binary.BigEndian.AppendUint64(nil, math.Float64bits(r.Strength))
	case graph.DependsOn:
		return []byte(r.Note)
	}
	return []byte{}
}

func decodeRel(kind graph.RelKind, k, v []byte) (graph.Relation, error) {
	key := decodeRelKey(k)
	switch kind {
	case graph.RelStake:
		if len(v) != 2 {
			return nil, fmt.Errorf("corrupt stake %q", k)
		}
		s := graph.Stake{Stakeholder: key.A, Trajectory: key.B, Role: key.C}
		if v[0] != 0 {
			i := int(v[0])
			s.Interest = &i
		}
		if v[1] != 0 {
			i := int(v[1])
			s.Influence = &i
		}
		return s, nil
	case graph.RelInfluence:
		if len(v) != 8 {
			return nil, fmt.Errorf("corrupt influence %q", k)
		}
		return graph.Influence{From: key.A, To: key.B, Strength: math.Float64frombits(binary.BigEndian.Uint64(v))}, nil
	case graph.RelReportsTo:
		return graph.ReportsTo{From: key.A, To: key.B}, nil
	case graph.RelSupports:
		return graph.Supports{Trajectory: key.A, Goal: key.B}, nil
	case graph.RelDependsOn:
		return graph.DependsOn{Trajectory: key.A, On: key.B, Note: string(v)}, nil
	}
	return nil, fmt.Errorf("unknown relationship kind %q", kind)
}

// encodeNode is the stored form of a node: its version, then its JSON.
func encodeNode(n graph.Node, version int64) ([]byte, error) {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 256), uint64(version))
	data, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	return append(v, data...), nil
}

func nodeVersion(v []byte) int64 {
	if len(v) < 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

func decodeNode(kind graph.Kind, v []byte) (graph.Node, int64, error) {
	if len(v) < 8 {
		return nil, 0, fmt.Errorf("corrupt %s record", kind)
	}
	ver, data := nodeVersion(v), v[8:]
	var (
		n   graph.Node
		err error
	)
	switch kind {
	case graph.KindStakeholder:
		var x graph.Stakeholder
		err = json.Unmarshal(data, &x)
		n = x
	case graph.KindTrajectory:
		var x graph.Trajectory
		err = json.Unmarshal(data, &x)
		n = x
	case graph.KindGoal:
		var x graph.Goal
		err = json.Unmarshal(data, &x)
		n = x
	case graph.KindEnabler:
		var x graph.Enabler
		err = json.Unmarshal(data, &x)
		n = x
	case graph.KindEngagement:
		var x graph.Engagement
		err = json.Unmarshal(data, &x)
		x.ApplyDefaults()
		n = x
	default:
		return nil, 0, fmt.Errorf("unknown node kind %q", kind)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("corrupt %s record: %w", kind, err)
	}
	return n, ver, nil
}

// deref returns the node a pointer points at, or nil for a nil pointer.

// nodeRefs lists the refs entries a node owns: one per id it refers to.
func nodeRefs(n graph.Node) [][]byte {
	var out [][]byte
	switch x := n.(type) {
	case graph.Enabler:
		if x.Owner != "" {
			out = append(out, refKey(x.Owner, refOwner, []byte(x.ID)))
		}
	case graph.Engagement:
		for _, id := range x.With {
			out = append(out, refKey(id, refWith, []byte(x.ID)))
		}
		for _, id := range x.About {
			out = append(out, refKey(id, refAbout, []byte(x.ID)))
		}
	}
	return out
}

// reverseKey turns a relationship key a\x00b[\x00c] into b\x00a[\x00c] and
// back.
func reverseKey(k []byte) []byte {
	a, rest, _ := bytes.Cut(k, []byte{0})
	b, c, hasC := bytes.Cut(rest, []byte{0})
	out := make([]byte, 0, len(k))
	out = append(out, b...)
	out = append(out, 0)
	out = append(out, a...)
	if hasC {
		out = append(out, 0)
		out = append(out, c...)
	}
	return out
}
