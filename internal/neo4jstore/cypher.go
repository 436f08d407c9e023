package neo4jstore

// Every Cypher statement the backend sends lives in this file, one named,
// parameterised statement each, so that the whole list can be printed
// (`stakemap cypher`), checked by Neo4j's Cypher front end in CI and pasted
// into Neo4j Browser with the parameters set (`:param workspace => 'demo'`).
//
// The data model:
//
//	(:Workspace {id, workspace, name, language, ldUnit, revision, seq})
//	(:Sequence {name, value})
//	(:Node:Stakeholder {workspace, id, version, name, kind, title, unit, level,
//	                    influence, interest, attitude, notes, tags,
//	                    contactEvery})
//	(:Node:Trajectory {workspace, id, version, name, purpose, status, start,
//	                   end, reviewBy, measure})
//	(:Node:Goal {workspace, id, version, name, horizon})
//	(:Node:Enabler {workspace, id, version, name, kind, status, owner})
//	(:Node:Engagement {workspace, id, version, date, channel, summary,
//	                   resultsShared})
//	(:Stakeholder)-[:STAKE {role, interest, influence}]->(:Trajectory)
//	(:Stakeholder)-[:INFLUENCES {strength}]->(:Stakeholder)
//	(:Stakeholder)-[:REPORTS_TO]->(:Stakeholder)
//	(:Trajectory)-[:SUPPORTS]->(:Goal)
//	(:Trajectory)-[:DEPENDS_ON {note}]->(:Trajectory|Enabler)
//	(:Engagement)-[:WITH]->(:Stakeholder)
//	(:Engagement)-[:ABOUT]->(:Trajectory)
//	(:Record {kind, id, workspace, owner, data, version})
//
// Records are the service's own state (accounts, sessions, tokens, share
// links): data is the JSON the access package wrote, kept as a string;
// workspace and owner are "" when the record has none. They carry no
// Node label, so nothing of a workspace's data ever matches one.
//
// A workspace's seq numbers its writes; every node a write changes gets
// the number as its version. seq starts at the workspace's incarnation
// (a number of the database-wide Sequence 'workspace-incarnation', taken at
// the workspace's first write) times 2^32, so a workspace deleted and
// created again never hands out a version of its predecessor: an ETag read
// before the delete cannot match a node written after it.
//
// The extra label Node carries the uniqueness constraint on (workspace, id):
// ids are unique across all node kinds of a workspace. Dates are stored as
// their YYYY-MM-DD strings, which compare like dates. Empty text fields are
// stored as empty strings; absent optional numbers as no property at all.
//
// Everything runs on Neo4j 5.0 or later (Community, Enterprise or Aura)
// without plugins: EXISTS { } subqueries, pattern comprehensions and
// IF NOT EXISTS schema commands are all 5.0 syntax.

// Statement is one named Cypher statement of the backend.
type Statement struct {
	Name      string `json:"name"`
	Statement string `json:"statement"`
}

// Names of the statements the store code runs.
const (
	stSchemaNodeID          = "schema-node-id"
	stSchemaWorkspaceID     = "schema-workspace-id"
	stSchemaNodeWorkspace   = "schema-node-workspace"
	stSchemaStakeholderWS   = "schema-stakeholder-workspace"
	stSchemaTrajectoryWS    = "schema-trajectory-workspace"
	stSchemaGoalWS          = "schema-goal-workspace"
	stSchemaEnablerWS       = "schema-enabler-workspace"
	stSchemaEngagementWS    = "schema-engagement-workspace"
	stSchemaRecordID        = "schema-record-id"
	stSchemaRecordWS        = "schema-record-workspace"
	stSchemaRecordOwner     = "schema-record-owner"
	stRecordCreate          = "record-create"
	stRecordGet             = "record-get"
	stRecordLock            = "record-lock"
	stRecordUpdate          = "record-update"
	stRecordList            = "record-list"
	stRecordDelete          = "record-delete"
	stRecordDeleteMany      = "record-delete-many"
	stWorkspaceRecordsClear = "workspace-records-clear"
	stSchemaSequenceName    = "schema-sequence-name"
	stSequenceIncarnation   = "sequence-next-incarnation"
	stWorkspaceList         = "workspace-list"
	stWorkspaceGet          = "workspace-get"
	stWorkspaceCreate       = "workspace-create"
	stWorkspaceTouch        = "workspace-touch"
	stWorkspaceLock         = "workspace-lock"
	stWorkspaceMerge        = "workspace-merge"
	stWorkspaceStartSeq     = "workspace-start-seq"
	stWorkspaceClear        = "workspace-clear"
	stWorkspaceDelete       = "workspace-delete"
	stNodeKinds             = "node-kinds"
	stNodeGet               = "node-get"
	stNodeList              = "node-list"
	stNodeNames             = "node-names"
	stCreateStakeholders    = "create-stakeholders"
	stCreateTrajectories    = "create-trajectories"
	stCreateGoals           = "create-goals"
	stCreateEnablers        = "create-enablers"
	stCreateEngagements     = "create-engagements"
	stNodeUpdate            = "node-update"
	stEngagementUnlink      = "engagement-unlink"
	stEngagementLinkWith    = "engagement-link-with"
	stEngagementLinkAbout   = "engagement-link-about"
	stNodeTouchEngagements  = "node-delete-touch-engagements"
	stNodeReleaseEnablers   = "node-delete-release-enablers"
	stNodeDelete            = "node-delete"
	stEngagementDeleteEmpty = "engagement-delete-empty"
	stStakeAdd              = "stake-add"
	stStakeRemove           = "stake-remove"
	stStakeList             = "stake-list"
	stInfluenceAdd          = "influence-add"
	stInfluenceRemove       = "influence-remove"
	stInfluenceList         = "influence-list"
	stReportsToAdd          = "reports-to-add"
	stReportsToRemove       = "reports-to-remove"
	stReportsToList         = "reports-to-list"
	stSupportsAdd           = "supports-add"
	stSupportsRemove        = "supports-remove"
	stSupportsList          = "supports-list"
	stDependsOnAdd          = "depends-on-add"
	stDependsOnRemove       = "depends-on-remove"
	stDependsOnList         = "depends-on-list"
	stGridWorkspace         = "grid-workspace"
	stGridTrajectory        = "grid-trajectory"
	stPaths                 = "paths"
	stBrokers               = "brokers"
	stSchemaEventSeq        = "schema-event-workspace-seq"
	stSchemaSnapshotWS      = "schema-snapshot-workspace"
	stSchemaHistoryWS       = "schema-history-workspace"
	stNodeRelations         = "node-relations"
	stNodeReferrers         = "node-referrers"
	stHistoryStart          = "history-start"
	stHistoryDrop           = "history-drop"
	stHistoryReserve        = "history-reserve"
	stEventAppend           = "event-append"
	stEventList             = "event-list"
	stEventRewrite          = "event-rewrite"
	stEventPurge            = "event-purge"
	stEventDrop             = "event-drop"
	stSnapshotDrop          = "snapshot-drop"
	stSnapshotPurge         = "snapshot-purge"
	stHistoryPurged         = "history-purged"
	stHistoryState          = "history-state"
	stHistorySet            = "history-set"
	stSnapshotList          = "snapshot-list"
	stSnapshotCreate        = "snapshot-create"
	stWorkspaceUpdate       = "workspace-update"
)

// statements is the table of every statement, in the order `stakemap
// cypher` lists them. Finding statements are named by their finding code
// and return one row per finding: subject and related (related is sorted
// again in Go, where the order of ids is defined byte-wise).
var statements = []Statement{
	// Schema, created at start-up; every command is idempotent.
	{stSchemaNodeID, `CREATE CONSTRAINT stakemap_node_id IF NOT EXISTS
FOR (n:Node) REQUIRE (n.workspace, n.id) IS UNIQUE`},
	{stSchemaWorkspaceID, `CREATE CONSTRAINT stakemap_workspace_id IF NOT EXISTS
FOR (w:Workspace) REQUIRE w.id IS UNIQUE`},
	{stSchemaNodeWorkspace, `CREATE INDEX stakemap_node_workspace IF NOT EXISTS
FOR (n:Node) ON (n.workspace)`},
	{stSchemaStakeholderWS, `CREATE INDEX stakemap_stakeholder_workspace IF NOT EXISTS
FOR (n:Stakeholder) ON (n.workspace)`},
	{stSchemaTrajectoryWS, `CREATE INDEX stakemap_trajectory_workspace IF NOT EXISTS
FOR (n:Trajectory) ON (n.workspace)`},
	{stSchemaGoalWS, `CREATE INDEX stakemap_goal_workspace IF NOT EXISTS
FOR (n:Goal) ON (n.workspace)`},
	{stSchemaEnablerWS, `CREATE INDEX stakemap_enabler_workspace IF NOT EXISTS
FOR (n:Enabler) ON (n.workspace)`},
	{stSchemaEngagementWS, `CREATE INDEX stakemap_engagement_workspace IF NOT EXISTS
FOR (n:Engagement) ON (n.workspace)`},
	{stSchemaEventSeq, `CREATE INDEX stakemap_event_workspace_seq IF NOT EXISTS
FOR (e:Event) ON (e.workspace, e.seq)`},
	{stSchemaSnapshotWS, `CREATE INDEX stakemap_snapshot_workspace IF NOT EXISTS
FOR (s:Snapshot) ON (s.workspace)`},
	{stSchemaHistoryWS, `CREATE CONSTRAINT stakemap_history_workspace IF NOT EXISTS
FOR (h:History) REQUIRE h.workspace IS UNIQUE`},
	{stSchemaRecordID, `CREATE CONSTRAINT stakemap_record_id IF NOT EXISTS
FOR (r:Record) REQUIRE (r.kind, r.id) IS UNIQUE`},
	{stSchemaRecordWS, `CREATE INDEX stakemap_record_workspace IF NOT EXISTS
FOR (r:Record) ON (r.workspace)`},
	{stSchemaRecordOwner, `CREATE INDEX stakemap_record_owner IF NOT EXISTS
FOR (r:Record) ON (r.owner)`},
	{stSchemaSequenceName, `CREATE CONSTRAINT stakemap_sequence_name IF NOT EXISTS
FOR (s:Sequence) REQUIRE s.name IS UNIQUE`},

	// Sequences outlive workspaces. The uniqueness constraint makes
	// concurrent MERGEs of one sequence meet on one node, whose write lock
	// then serialises them; a workspace takes a number once per
	// incarnation, so the lock is rarely contended.
	{stSequenceIncarnation, `MERGE (s:Sequence {name: 'workspace-incarnation'})
ON CREATE SET s.value = 0
SET s.value = s.value + 1
RETURN s.value AS value`},

	// Workspaces. Every write transaction starts with workspace-touch or
	// workspace-merge: setting the revision takes the write lock on the
	// workspace node, so writes to one workspace are serialised and the
	// checks a write makes before it changes anything stay true until it
	// commits.
	{stWorkspaceList, `MATCH (w:Workspace)
RETURN w.id AS id, w.name AS name, w.language AS language, w.ldUnit AS ldUnit
ORDER BY id`},
	{stWorkspaceGet, `MATCH (w:Workspace {id: $workspace})
RETURN w.id AS id, w.name AS name, w.language AS language, w.ldUnit AS ldUnit,
       w.revision AS revision`},
	{stWorkspaceCreate, `CREATE (w:Workspace {id: $workspace, workspace: $workspace, name: $name,
                    language: $language, ldUnit: $ldUnit, revision: randomUUID()})`},
	// seq stays null until workspace-start-seq gives the workspace its
	// incarnation (null + 1 is null).
	{stWorkspaceTouch, `MATCH (w:Workspace {id: $workspace})
SET w.revision = randomUUID(), w.seq = w.seq + 1
RETURN w.revision AS revision, w.seq AS seq`},
	// Setting and removing a property takes the workspace's write lock, so
	// the revision returned is the one the rest of the transaction writes on.
	{stWorkspaceLock, `MATCH (w:Workspace {id: $workspace})
SET w.locked = true
REMOVE w.locked
RETURN w.revision AS revision`},
	{stWorkspaceMerge, `MERGE (w:Workspace {id: $workspace})
SET w.workspace = $workspace, w.name = $name, w.language = $language,
    w.ldUnit = $ldUnit, w.revision = randomUUID(), w.seq = w.seq + 1
RETURN w.revision AS revision, w.seq AS seq`},
	{stWorkspaceStartSeq, `MATCH (w:Workspace {id: $workspace})
SET w.seq = $seq`},
	{stWorkspaceClear, `MATCH (n:Node {workspace: $workspace})
DETACH DELETE n`},
	{stWorkspaceDelete, `MATCH (w:Workspace {id: $workspace})
DELETE w`},
	{stWorkspaceRecordsClear, `MATCH (r:Record {workspace: $workspace})
DELETE r`},

	// Records: stored and listed as they are; the logic is in Go. A
	// record of a workspace is created in a transaction that holds the
	// workspace's lock (workspace-lock), so it cannot outlive a delete
	// running at the same time. The uniqueness constraint turns a second
	// create of (kind, id) into a conflict.
	{stRecordCreate, `CREATE (r:Record {kind: $kind, id: $id, workspace: $workspace, owner: $owner,
                  data: $data, version: 1})`},
	{stRecordGet, `MATCH (r:Record {kind: $kind, id: $id})
RETURN r.kind AS kind, r.id AS id, r.workspace AS workspace, r.owner AS owner,
       r.data AS data, r.version AS version`},
	// Setting and removing a property takes the record's write lock, so the
	// version checked in Go is still current when record-update writes.
	{stRecordLock, `MATCH (r:Record {kind: $kind, id: $id})
SET r.locked = true
REMOVE r.locked
RETURN r.workspace AS workspace, r.owner AS owner, r.version AS version`},
	{stRecordUpdate, `MATCH (r:Record {kind: $kind, id: $id})
SET r.data = $data, r.version = $version`},
	{stRecordList, `MATCH (r:Record)
WHERE ($kind = '' OR r.kind = $kind)
  AND ($workspace = '' OR r.workspace = $workspace)
  AND ($owner = '' OR r.owner = $owner)
RETURN r.kind AS kind, r.id AS id, r.workspace AS workspace, r.owner AS owner,
       r.data AS data, r.version AS version
ORDER BY kind, id`},
	{stRecordDelete, `MATCH (r:Record {kind: $kind, id: $id})
DELETE r
RETURN count(*) AS removed`},
	{stRecordDeleteMany, `MATCH (r:Record)
WHERE ($kind = '' OR r.kind = $kind)
  AND ($workspace = '' OR r.workspace = $workspace)
  AND ($owner = '' OR r.owner = $owner)
DELETE r
RETURN count(*) AS removed`},

	// Nodes. Labels cannot be parameters, so reads and updates match the
	// common label Node and test the kind's label as a value; creates name
	// the label, one statement per kind.
	{stNodeKinds, `UNWIND $ids AS id
MATCH (n:Node {workspace: $workspace, id: id})
RETURN n.id AS id, labels(n) AS labels`},
	{stNodeGet, `MATCH (n:Node {workspace: $workspace, id: $id})
WHERE $label IN labels(n)
RETURN properties(n) AS props,
       [(n)-[:WITH]->(s:Stakeholder) | s.id] AS withIds,
       [(n)-[:ABOUT]->(t:Trajectory) | t.id] AS aboutIds`},
	{stNodeList, `MATCH (n:Node {workspace: $workspace})
WHERE $label IN labels(n)
RETURN properties(n) AS props,
       [(n)-[:WITH]->(s:Stakeholder) | s.id] AS withIds,
       [(n)-[:ABOUT]->(t:Trajectory) | t.id] AS aboutIds
ORDER BY n.id`},
	{stNodeNames, `MATCH (n:Node {workspace: $workspace})
WHERE n.name IS NOT NULL
RETURN n.id AS id, n.name AS name`},
	{stCreateStakeholders, `UNWIND $rows AS row
CREATE (n:Node:Stakeholder)
SET n = row`},
	{stCreateTrajectories, `UNWIND $rows AS row
CREATE (n:Node:Trajectory)
SET n = row`},
	{stCreateGoals, `UNWIND $rows AS row
CREATE (n:Node:Goal)
SET n = row`},
	{stCreateEnablers, `UNWIND $rows AS row
CREATE (n:Node:Enabler)
SET n = row`},
	{stCreateEngagements, `UNWIND $rows AS row
CREATE (n:Node:Engagement)
SET n = row`},
	{stNodeUpdate, `MATCH (n:Node {workspace: $workspace, id: $id})
WHERE $label IN labels(n)
SET n = $props
RETURN n.version AS version`},
	{stEngagementUnlink, `MATCH (e:Node:Engagement {workspace: $workspace, id: $id})-[r:WITH|ABOUT]->()
DELETE r`},
	{stEngagementLinkWith, `UNWIND $rows AS row
MATCH (e:Node:Engagement {workspace: $workspace, id: row.engagement})
MATCH (s:Node:Stakeholder {workspace: $workspace, id: row.target})
CREATE (e)-[:WITH]->(s)`},
	{stEngagementLinkAbout, `UNWIND $rows AS row
MATCH (e:Node:Engagement {workspace: $workspace, id: row.engagement})
MATCH (t:Node:Trajectory {workspace: $workspace, id: row.target})
CREATE (e)-[:ABOUT]->(t)`},
	{stNodeTouchEngagements, `MATCH (n:Node {workspace: $workspace, id: $id})<-[:WITH|ABOUT]-(e:Engagement)
WITH DISTINCT e
SET e.version = $version
RETURN e.id AS id`},
	{stNodeReleaseEnablers, `MATCH (e:Node:Enabler {workspace: $workspace})
WHERE e.owner = $id
SET e.owner = '', e.version = $version`},
	{stNodeDelete, `MATCH (n:Node {workspace: $workspace, id: $id})
DETACH DELETE n`},
	{stEngagementDeleteEmpty, `UNWIND $ids AS id
MATCH (e:Node:Engagement {workspace: $workspace, id: id})
WHERE NOT EXISTS { (e)-[:WITH]->(:Stakeholder) }
DETACH DELETE e`},

	// What a delete takes with it, read before it happens so that the
	// history can record it.
	{stNodeRelations, `MATCH (n:Node {workspace: $workspace, id: $id})-[r:STAKE|INFLUENCES|REPORTS_TO|SUPPORTS|DEPENDS_ON]-(:Node)
RETURN DISTINCT type(r) AS type, startNode(r).id AS source, endNode(r).id AS target,
       r.role AS role, r.interest AS interest, r.influence AS influence,
       r.strength AS strength, r.note AS note`},
	{stNodeReferrers, `MATCH (n:Node {workspace: $workspace, id: $id})<-[:WITH|ABOUT]-(e:Engagement)
RETURN DISTINCT e.id AS id, 'engagement' AS kind
UNION
MATCH (e:Node:Enabler {workspace: $workspace})
WHERE e.owner = $id
RETURN e.id AS id, 'enabler' AS kind`},

	// History (DESIGN §10). Events are plain records: the past is rebuilt
	// in Go from them, the same way as on the embedded backend.
	//	(:History {workspace, created, last, lastSeq, purged, settings, erased})
	//	(:Event {workspace, seq, at, actor, action, kind, id, key, keyIds,
	//	         before, after})   key, before, after: JSON text
	//	(:Snapshot {workspace, id, name, at, seq})
	//	(:Sequence {name: 'events', value})  seq is never reused
	{stHistoryDrop, `MATCH (h:History {workspace: $workspace})
DELETE h`},
	{stEventDrop, `MATCH (e:Event {workspace: $workspace})
DELETE e`},
	{stSnapshotDrop, `MATCH (s:Snapshot {workspace: $workspace})
DELETE s`},
	{stHistoryStart, `MERGE (h:History {workspace: $workspace})
SET h.created = $at, h.last = $at`},
	{stHistoryReserve, `MERGE (c:Sequence {name: 'events'})
SET c.value = $count + coalesce(c.value, 0)
WITH c
MERGE (h:History {workspace: $workspace})
RETURN c.value - $count + 1 AS first, h.last AS last`},
	{stEventAppend, `MATCH (h:History {workspace: $workspace})
SET h.last = $at, h.lastSeq = $lastSeq
WITH h
UNWIND $rows AS row
CREATE (:Event {workspace: $workspace, seq: row.seq, at: $at, actor: row.actor,
                action: row.action, kind: row.kind, id: row.id, key: row.key,
                keyIds: row.keyIds, before: row.before, after: row.after})`},
	{stEventList, `MATCH (e:Event {workspace: $workspace})
WHERE e.seq > $after AND ($before = 0 OR e.seq < $before)
  AND e.at >= $since AND ($until = '' OR e.at <= $until)
  AND ($kind = '' OR e.kind = $kind)
  AND ($id = '' OR e.id = $id OR $id IN e.keyIds)
  AND ($needle = '' OR e.before CONTAINS $needle OR e.after CONTAINS $needle)
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.action AS action,
       e.kind AS kind, e.id AS id, e.key AS key, e.before AS before, e.after AS after
ORDER BY e.seq DESC
LIMIT $limit`},
	{stEventRewrite, `UNWIND $rows AS row
MATCH (e:Event {workspace: $workspace, seq: row.seq})
SET e.id = row.id, e.key = row.key, e.keyIds = row.keyIds,
    e.before = row.before, e.after = row.after`},
	{stEventPurge, `MATCH (e:Event {workspace: $workspace})
WHERE e.at < $before
DELETE e
RETURN count(*) AS purged`},
	{stSnapshotPurge, `MATCH (s:Snapshot {workspace: $workspace})
WHERE s.at < $before
DELETE s`},
	{stHistoryPurged, `MATCH (h:History {workspace: $workspace})
SET h.purged = CASE WHEN h.purged IS NULL OR h.purged < $before THEN $before ELSE h.purged END`},
	{stHistoryState, `MATCH (w:Workspace {id: $workspace})
OPTIONAL MATCH (h:History {workspace: $workspace})
RETURN h.created AS created, h.purged AS purged, h.settings AS settings,
       h.erased AS erased, h.lastSeq AS lastSeq`},
	{stHistorySet, `MERGE (h:History {workspace: $workspace})
SET h.settings = $settings, h.erased = $erased`},
	{stSnapshotList, `MATCH (s:Snapshot {workspace: $workspace})
RETURN s.id AS id, s.name AS name, s.at AS at, s.seq AS seq
ORDER BY seq, at, id`},
	{stSnapshotCreate, `CREATE (:Snapshot {workspace: $workspace, id: $id, name: $name, at: $at, seq: $seq})`},
	{stWorkspaceUpdate, `MATCH (w:Workspace {id: $workspace})
SET w.name = $name, w.language = $language, w.ldUnit = $ldUnit,
    w.revision = randomUUID()`},

	// Relationships. Each add statement takes rows, so that one
	// relationship and a whole imported bundle go the same way; it creates
	// nothing for a row whose relationship exists already, and says how
	// many it created.
	{stStakeAdd, `UNWIND $rows AS row
MATCH (a:Node:Stakeholder {workspace: $workspace, id: row.source})
MATCH (b:Node:Trajectory {workspace: $workspace, id: row.target})
WHERE NOT EXISTS { (a)-[:STAKE {role: row.role}]->(b) }
CREATE (a)-[:STAKE {role: row.role, interest: row.interest, influence: row.influence}]->(b)
RETURN count(*) AS created`},
	{stStakeRemove, `MATCH (:Node:Stakeholder {workspace: $workspace, id: $source})-[r:STAKE {role: $role}]->(:Node:Trajectory {workspace: $workspace, id: $target})
DELETE r
RETURN count(*) AS removed`},
	{stStakeList, `MATCH (a:Stakeholder {workspace: $workspace})-[r:STAKE]->(b:Trajectory)
RETURN a.id AS source, b.id AS target, r.role AS role,
       r.interest AS interest, r.influence AS influence
ORDER BY source, target, role`},
	{stInfluenceAdd, `UNWIND $rows AS row
MATCH (a:Node:Stakeholder {workspace: $workspace, id: row.source})
MATCH (b:Node:Stakeholder {workspace: $workspace, id: row.target})
WHERE NOT EXISTS { (a)-[:INFLUENCES]->(b) }
CREATE (a)-[:INFLUENCES {strength: row.strength}]->(b)
RETURN count(*) AS created`},
	{stInfluenceRemove, `MATCH (:Node:Stakeholder {workspace: $workspace, id: $source})-[r:INFLUENCES]->(:Node:Stakeholder {workspace: $workspace, id: $target})
DELETE r
RETURN count(*) AS removed`},
	{stInfluenceList, `MATCH (a:Stakeholder {workspace: $workspace})-[r:INFLUENCES]->(b:Stakeholder)
RETURN a.id AS source, b.id AS target, r.strength AS strength
ORDER BY source, target`},
	{stReportsToAdd, `UNWIND $rows AS row
MATCH (a:Node:Stakeholder {workspace: $workspace, id: row.source})
MATCH (b:Node:Stakeholder {workspace: $workspace, id: row.target})
WHERE NOT EXISTS { (a)-[:REPORTS_TO]->(b) }
CREATE (a)-[:REPORTS_TO]->(b)
RETURN count(*) AS created`},
	{stReportsToRemove, `MATCH (:Node:Stakeholder {workspace: $workspace, id: $source})-[r:REPORTS_TO]->(:Node:Stakeholder {workspace: $workspace, id: $target})
DELETE r
RETURN count(*) AS removed`},
	{stReportsToList, `MATCH (a:Stakeholder {workspace: $workspace})-[:REPORTS_TO]->(b:Stakeholder)
RETURN a.id AS source, b.id AS target
ORDER BY source, target`},
	{stSupportsAdd, `UNWIND $rows AS row
MATCH (a:Node:Trajectory {workspace: $workspace, id: row.source})
MATCH (b:Node:Goal {workspace: $workspace, id: row.target})
WHERE NOT EXISTS { (a)-[:SUPPORTS]->(b) }
CREATE (a)-[:SUPPORTS]->(b)
RETURN count(*) AS created`},
	{stSupportsRemove, `MATCH (:Node:Trajectory {workspace: $workspace, id: $source})-[r:SUPPORTS]->(:Node:Goal {workspace: $workspace, id: $target})
DELETE r
RETURN count(*) AS removed`},
	{stSupportsList, `MATCH (a:Trajectory {workspace: $workspace})-[:SUPPORTS]->(b:Goal)
RETURN a.id AS source, b.id AS target
ORDER BY source, target`},
	{stDependsOnAdd, `UNWIND $rows AS row
MATCH (a:Node:Trajectory {workspace: $workspace, id: row.source})
MATCH (b:Node {workspace: $workspace, id: row.target})
WHERE (b:Trajectory OR b:Enabler) AND NOT EXISTS { (a)-[:DEPENDS_ON]->(b) }
CREATE (a)-[:DEPENDS_ON {note: row.note}]->(b)
RETURN count(*) AS created`},
	{stDependsOnRemove, `MATCH (:Node:Trajectory {workspace: $workspace, id: $source})-[r:DEPENDS_ON]->(:Node {workspace: $workspace, id: $target})
DELETE r
RETURN count(*) AS removed`},
	{stDependsOnList, `MATCH (a:Trajectory {workspace: $workspace})-[r:DEPENDS_ON]->(b:Node)
WHERE b:Trajectory OR b:Enabler
RETURN a.id AS source, b.id AS target, r.note AS note
ORDER BY source, target`},

	// Findings: co-ownership of active (planned or running) trajectories.
	{"missing-sponsor", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running']
  AND NOT EXISTS { (:Stakeholder)-[:STAKE {role: 'sponsor'}]->(t) }
RETURN t.id AS subject, [] AS related`},
	{"missing-owner", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running']
  AND NOT EXISTS { (:Stakeholder)-[:STAKE {role: 'owner'}]->(t) }
RETURN t.id AS subject, [] AS related`},
	{"missing-learner-voice", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running']
  AND NOT EXISTS { (:Stakeholder)-[:STAKE {role: 'learner'}]->(t) }
RETURN t.id AS subject, [] AS related`},
	{"sponsor-without-mandate", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running']
  AND EXISTS { (:Stakeholder)-[:STAKE {role: 'sponsor'}]->(t) }
  AND NOT EXISTS {
    MATCH (s:Stakeholder)-[:STAKE {role: 'sponsor'}]->(t)
    WHERE s.level IN ['board', 'executive']
  }
RETURN t.id AS subject, [] AS related`},
	{"single-owner", `MATCH (s:Stakeholder)-[k:STAKE]->(t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running'] AND k.role IN ['sponsor', 'owner']
WITH t, collect(DISTINCT s.id) AS holders, collect(DISTINCT k.role) AS roles
WHERE size(holders) = 1 AND size(roles) = 2
RETURN t.id AS subject, holders AS related`},
	{"opposed-owner", `MATCH (s:Stakeholder)-[k:STAKE]->(t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running'] AND k.role IN ['sponsor', 'owner']
  AND s.attitude IN ['critic', 'blocker']
WITH t, s ORDER BY s.id
RETURN t.id AS subject, collect(DISTINCT s.id) AS related`},
	{"weak-sponsor", `MATCH (s:Stakeholder)-[k:STAKE {role: 'sponsor'}]->(t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running']
WITH t, max(coalesce(k.influence, s.influence)) AS strongest
WHERE strongest < $high
RETURN t.id AS subject, [] AS related`},

	// Findings: visibility. An engagement is recent when
	// asOf − window < date ≤ asOf.
	// A key stakeholder with a contact rhythm gets contact-due instead.
	{"unengaged-key-stakeholder", `MATCH (s:Stakeholder {workspace: $workspace})
WHERE coalesce(s.contactEvery, 0) = 0
  AND (s.influence >= $high
       OR EXISTS {
         MATCH (s)-[k:STAKE]->(:Trajectory)
         WHERE coalesce(k.influence, s.influence) >= $high
       })
  AND NOT EXISTS {
    MATCH (e:Engagement)-[:WITH]->(s)
    WHERE e.date > toString(date($asOf) - duration({days: $window})) AND e.date <= $asOf
  }
RETURN s.id AS subject, [] AS related`},
	{"attitude-unknown", `MATCH (s:Stakeholder {workspace: $workspace})
WHERE coalesce(s.attitude, '') IN ['unknown', '']
  AND (s.influence >= $high
       OR EXISTS {
         MATCH (s)-[k:STAKE]->(:Trajectory)
         WHERE coalesce(k.influence, s.influence) >= $high
       })
RETURN s.id AS subject, [] AS related`},
	{"results-not-shared", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status = 'done'
  AND NOT EXISTS { (e:Engagement)-[:ABOUT]->(t) WHERE e.resultsShared = true }
RETURN t.id AS subject, [] AS related`},
	{"goal-without-trajectory", `MATCH (g:Goal {workspace: $workspace})
WHERE NOT EXISTS {
  MATCH (t:Trajectory)-[:SUPPORTS]->(g)
  WHERE t.status IN ['planned', 'running']
}
RETURN g.id AS subject, [] AS related`},
	// Units are those of the organisation's own people (not external
	// parties), except the unit L&D belongs to.
	{"invisible-unit", `MATCH (w:Workspace {id: $workspace})
MATCH (s:Stakeholder {workspace: $workspace})
WHERE s.unit <> '' AND s.unit <> coalesce(w.ldUnit, '')
  AND s.kind <> 'external' AND s.level <> 'external'
WITH DISTINCT s.unit AS unitName
WHERE NOT EXISTS {
  MATCH (e:Engagement)-[:WITH]->(m:Stakeholder {workspace: $workspace})
  WHERE m.unit = unitName AND m.kind <> 'external' AND m.level <> 'external'
    AND e.date > toString(date($asOf) - duration({days: $window})) AND e.date <= $asOf
}
RETURN unitName AS subject, [] AS related`},
	// The rhythm's window: asOf − contactEvery < date ≤ asOf.
	{"contact-due", `MATCH (s:Stakeholder {workspace: $workspace})
WHERE s.contactEvery > 0
  AND NOT EXISTS {
    MATCH (e:Engagement)-[:WITH]->(s)
    WHERE e.date > toString(date($asOf) - duration({days: s.contactEvery})) AND e.date <= $asOf
  }
RETURN s.id AS subject, [] AS related`},

	// Findings: strategy and dependencies.
	{"no-strategic-goal", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running']
  AND NOT EXISTS { (t)-[:SUPPORTS]->(:Goal) }
RETURN t.id AS subject, [] AS related`},
	{"no-impact-measure", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running'] AND coalesce(t.measure, '') = ''
RETURN t.id AS subject, [] AS related`},
	{"review-overdue", `MATCH (t:Trajectory {workspace: $workspace})
WHERE t.status IN ['planned', 'running']
  AND coalesce(t.reviewBy, '') <> '' AND t.reviewBy < $asOf
RETURN t.id AS subject, [] AS related`},
	{"blocked", `MATCH (t:Trajectory {workspace: $workspace})-[:DEPENDS_ON]->(d:Node)
WHERE t.status IN ['planned', 'running']
  AND ((d:Trajectory AND d.status <> 'done') OR (d:Enabler AND d.status <> 'ready'))
WITH t, d ORDER BY d.id
RETURN t.id AS subject, collect(DISTINCT d.id) AS related`},
	// Only trajectories have outgoing dependencies, so every cycle runs
	// through trajectories. Cypher returns the dependencies between
	// trajectories and Go lists the elementary cycles (Johnson's algorithm,
	// linear when there is none). Asking Cypher which dependencies lie on a
	// cycle takes a variable-length pattern per dependency, whose cost
	// grows with the number of paths: exponential on chains of diamonds
	// that have no cycle at all.
	{"dependency-cycle", `MATCH (a:Trajectory {workspace: $workspace})-[:DEPENDS_ON]->(b:Trajectory)
RETURN a.id AS source, b.id AS target
ORDER BY source, target`},

	// Power–interest grid.
	{stGridWorkspace, `MATCH (s:Stakeholder {workspace: $workspace})
RETURN s.id AS id,
       CASE
         WHEN s.influence >= $high AND s.interest >= $high THEN 'manage-closely'
         WHEN s.influence >= $high THEN 'keep-satisfied'
         WHEN s.interest >= $high THEN 'keep-informed'
         ELSE 'monitor'
       END AS quadrant
ORDER BY id`},
	{stGridTrajectory, `MATCH (s:Stakeholder)-[k:STAKE]->(:Trajectory {workspace: $workspace, id: $trajectory})
WITH s, max(coalesce(k.influence, s.influence)) AS influence,
        max(coalesce(k.interest, s.interest)) AS interest
RETURN s.id AS id,
       CASE
         WHEN influence >= $high AND interest >= $high THEN 'manage-closely'
         WHEN influence >= $high THEN 'keep-satisfied'
         WHEN interest >= $high THEN 'keep-informed'
         ELSE 'monitor'
       END AS quadrant
ORDER BY id`},

	// Influence network: one edge per ordered pair, the strongest of the
	// influences and the reporting lines (each way, at $hierarchyStrength)
	// that join it. Go searches the best simple paths over it: the ranking
	// by rounded products with id-sequence tie-breaks and the k best
	// alternatives have no exact Cypher form.
	{stPaths, `MATCH (a:Stakeholder {workspace: $workspace})-[r:INFLUENCES|REPORTS_TO]-(b:Stakeholder)
WHERE a <> b AND (type(r) = 'REPORTS_TO' OR startNode(r) = a)
WITH a, b, CASE type(r) WHEN 'INFLUENCES' THEN r.strength ELSE $hierarchyStrength END AS strength
RETURN a.id AS source, b.id AS target, max(strength) AS strength
ORDER BY source, target`},
	// Brokers: every stakeholder with the stakeholders it has an edge to.
	// Go computes betweenness centrality (Brandes) over it: it counts
	// shortest paths between all pairs, which Cypher cannot do exactly
	// without the Graph Data Science plugin.
	{stBrokers, `MATCH (s:Stakeholder {workspace: $workspace})
RETURN s.id AS id,
       [(s)-[:INFLUENCES]->(t:Stakeholder) WHERE t <> s | t.id]
         + [(s)-[:REPORTS_TO]-(t:Stakeholder) WHERE t <> s | t.id] AS targets
ORDER BY id`},
}

// Statements returns every statement the backend sends, in a stable order.
// It needs no server: `stakemap cypher` prints it and CI lints it.
func Statements() []Statement {
	out := make([]Statement, len(statements))
	copy(out, statements)
	return out
}

// cypher returns the text of the named statement. A name that is not in
// the table is a programming error caught by the tests.
func cypher(name string) string {
	for _, s := range statements {
		if s.Name == name {
			return s.Statement
		}
	}
	panic("neo4jstore: no statement named " + name)
}
