package webui

// The texts of the history, compare, calendar and person's-rights pages,
// kept apart from the main catalogue and merged into it at start, so that
// both grow without touching each other's lines. A key that is already
// in the catalogue is a mistake, found at start.
var historyTexts = map[string][2]string{
	"nav.history": {"Geschiedenis", "History"},
	"ov.changed":  {"Wat er veranderde sinds het laatste MT-overleg", "What changed since the last MT meeting"},

	// The history page.
	"h.title":        {"Geschiedenis", "History"},
	"h.list":         {"Wijzigingen, nieuwste eerst", "Changes, newest first"},
	"h.kind":         {"Soort", "Kind"},
	"h.who":          {"Persoon of traject", "Person or trajectory"},
	"h.since":        {"Vanaf", "From"},
	"h.until":        {"Tot en met", "Up to and including"},
	"h.by":           {"door", "by"},
	"h.none":         {"Nog geen wijzigingen.", "No changes yet."},
	"h.nonefiltered": {"Geen wijzigingen die aan deze filters voldoen.", "No changes match these filters."},
	"h.newest":       {"Nieuwste wijzigingen", "Newest changes"},
	"h.older":        {"Oudere wijzigingen", "Older changes"},
	"h.order":        {"Deze datum ligt vóór de datum bij Vanaf.", "This date is before the From date."},
	"h.erased":       {"gewist", "erased"},
	"h.contact":      {"Contact van %s (%s)", "Contact of %s (%s)"},
	"h.contactwith":  {"met %s", "with %s"},
	"h.contactabout": {"over %s", "about %s"},
	"h.workspace":    {"Werkruimte", "Workspace"},
	"h.created":      {"toegevoegd", "added"},
	"h.deleted":      {"verwijderd", "deleted"},
	"h.erasedact":    {"gewist op grond van de AVG", "erased under the GDPR"},
	"h.updated":      {"gewijzigd", "changed"},
	"h.cli":          {"een beheerder op de server", "an administrator on the server"},
	"h.system":       {"stakemap zelf", "stakemap itself"},
	"h.unknown":      {"onbekend", "unknown"},
	"h.account":      {"account %s (verwijderd)", "account %s (removed)"},
	"h.token":        {"token %s", "token %s"},

	"rel.stake":     {"%s als %s op %s", "%s as %s on %s"},
	"rel.influence": {"%s beïnvloedt %s", "%s influences %s"},
	"rel.reportsTo": {"%s rapporteert aan %s", "%s reports to %s"},
	"rel.supports":  {"%s ondersteunt %s", "%s supports %s"},
	"rel.dependsOn": {"%s hangt af van %s", "%s depends on %s"},

	// The compare view and snapshots.
	"cmp.title":     {"Sinds het laatste MT-overleg", "Since the last MT meeting"},
	"cmp.nav":       {"Vergelijken", "Compare"},
	"cmp.file":      {"verschuivingen", "changes"},
	"cmp.filesince": {"verschuivingen-sinds-", "changes-since-"},
	"cmp.from":      {"Van", "From"},
	"cmp.to":        {"Tot", "To"},
	"cmp.fromdate":  {"— een datum (hiernaast) —", "— a date (next field) —"},
	"cmp.nowopt":    {"nu", "now"},
	"cmp.fromDate":  {"Of vanaf datum", "Or from date"},
	"cmp.toDate":    {"Of tot en met datum", "Or up to and including date"},
	"cmp.show":      {"Vergelijk", "Compare"},
	"cmp.between":   {"Van %s tot %s", "From %s to %s"},
	"cmp.now":       {"nu (%s)", "now (%s)"},
	"cmp.nothing":   {"Er is in deze periode niets veranderd.", "Nothing changed in this period."},
	"cmp.newf":      {"Nieuwe bevindingen", "New findings"},
	"cmp.gonef":     {"Opgeloste bevindingen", "Resolved findings"},
	"cmp.nonef":     {"Geen.", "None."},
	"cmp.map":       {"Kaart van de verschuivingen", "Map of the changes"},
	"cmp.mapalt":    {"Macht-belangmatrix met pijlen van waar mensen stonden (%s) naar waar ze nu staan; de wijzigingen staan hierboven als tekst.", "Power–interest grid with arrows from where people stood (%s) to where they stand now; the changes are listed above as text."},
	"cmp.maphelp":   {"Pijlen lopen van de oude naar de nieuwe plek; de kleur toont de verschuiving in houding.", "Arrows run from the old place to the new one; the colour shows the shift in attitude."},
	"cmp.png":       {"Download als PNG (voor een dia)", "Download as PNG (for a slide)"},
	"cmp.snapshots": {"Momentopnamen", "Snapshots"},
	"cmp.snaphelp":  {"Leg de stand van nu vast, bijvoorbeeld bij elk MT-overleg; daarna vergelijkt deze pagina vanaf de laatste momentopname.", "Record the state of now, for example at every MT meeting; this page then compares from the latest snapshot."},
	"cmp.snapname":  {"Naam", "Name"},
	"cmp.snaphint":  {"Bijvoorbeeld: MT 12 november", "For example: MT 12 November"},
	"cmp.snapmake":  {"Momentopname maken", "Take a snapshot"},
	"cmp.snapmade":  {"Momentopname gemaakt.", "Snapshot taken."},
	"cmp.since":     {"vergelijk vanaf hier", "compare from here"},
	"cmp.nosnaps":   {"Nog geen momentopnamen.", "No snapshots yet."},
	"cmp.nosnap":    {"Deze momentopname bestaat niet (meer).", "This snapshot does not exist (any more)."},
	"cmp.gone":      {"Zo ver terug wordt de geschiedenis niet bewaard (zie Instellingen).", "History is not kept that far back (see Settings)."},
	"cmp.before":    {"Toen bestond deze werkruimte nog niet.", "This workspace did not exist yet then."},
	"cmp.order":     {"Tot ligt vóór Van.", "To is before From."},

	// The person's rights.
	"er.section":      {"Persoonsgegevens (AVG)", "Personal data (GDPR)"},
	"er.help":         {"Voor een verzoek van deze persoon: inzage (art. 15) of wissen (art. 17).", "For a request from this person: access (art. 15) or erasure (art. 17)."},
	"er.download":     {"Persoonsgegevens downloaden (JSON)", "Download personal data (JSON)"},
	"er.file":         {"persoonsgegevens-", "personal-data-"},
	"er.read":         {"Persoonsgegevens bekijken en afdrukken", "View and print personal data"},
	"er.readtitle":    {"Persoonsgegevens van %s", "Personal data of %s"},
	"er.readintro":    {"Dit zijn alle gegevens die %s over u vastlegt in de stakeholderanalyse (AVG art. 15), op %s.", "This is all the data %s keeps about you in its stakeholder analysis (GDPR art. 15), on %s."},
	"er.readhow":      {"Druk deze pagina af of bewaar haar als PDF voor de persoon (het menu wordt niet afgedrukt); het JSON-bestand bevat hetzelfde voor computers.", "Print this page or save it as PDF for the person (the menu is not printed); the JSON file holds the same for computers."},
	"er.data":         {"Gegevens", "Data"},
	"er.relations":    {"Rollen en relaties", "Roles and relationships"},
	"er.contacts":     {"Contactmomenten", "Contacts"},
	"er.history":      {"Geschiedenis van deze gegevens", "History of this data"},
	"er.stakevalues":  {"(op dit traject: invloed %s, belang %s)", "(on this trajectory: influence %s, interest %s)"},
	"er.owns":         {"Eigenaar van %s %s", "Owner of %s %s"},
	"er.about":        {"over", "about"},
	"er.erase":        {"Wissen (AVG)", "Erase (GDPR)"},
	"er.title":        {"%s wissen (AVG)", "Erase %s (GDPR)"},
	"er.irreversible": {"Wissen is onomkeerbaar.", "Erasing cannot be undone."},
	"er.what":         {"%s verdwijnt uit het register, uit alle rollen, invloeden, rapportagelijnen en contacten (contacten met alleen deze persoon worden verwijderd), en ook uit de geschiedenis en de momentopnamen: daar heet deze persoon voortaan 'gewist', zonder naam, functie of notities. Deellinks die deze persoon noemen worden ingetrokken.", "%s is removed from the register, from every role, influence, reporting line and contact (contacts with only this person are deleted), and also from the history and the snapshots: there this person is called 'erased' from now on, without name, title or notes. Share links that name this person are revoked."},
	"er.first":        {"Wilt u eerst een kopie voor de persoon?", "Want a copy for the person first?"},
	"er.understood":   {"Ik begrijp dat dit niet ongedaan kan worden", "I understand that this cannot be undone"},
	"er.tick":         {"Vink aan dat u begrijpt dat wissen onomkeerbaar is.", "Tick that you understand that erasing cannot be undone."},
	"er.yes":          {"Definitief wissen", "Erase for good"},
	"er.done":         {"De persoon is gewist, ook uit de geschiedenis.", "The person has been erased, from the history too."},

	// The contact rhythm on a person's page.
	"p.nextcontact": {"Volgend contact uiterlijk", "Next contact by"},
	"p.every":       {"elke %d dagen", "every %d days"},

	// Settings.
	"s.retention": {"0 bewaart alles. Oudere wijzigingen en momentopnamen worden dagelijks opgeruimd.", "0 keeps everything. Older changes and snapshots are purged daily."},

	// The calendar link on the account page.
	"cal.title":     {"Agenda-abonnement", "Calendar subscription"},
	"cal.help":      {"Een geheime link naar de contacten die aan de beurt zijn volgens ‘Contact elke (dagen)’ en de evaluatiedata van de trajecten, om op te abonneren in uw agenda. Personen staan erin met functie en afdeling, tenzij u Namen tonen aanzet: de agendadienst haalt de agenda op en bewaart hem. Wat achterstallig is, staat op vandaag. Outlook en Google halen de agenda op vanaf internet: dat werkt alleen als stakemap vanaf internet bereikbaar is; vraag dat zo nodig aan wie stakemap beheert.", "A secret link to the contacts that are due by ‘Contact every (days)’ and the review dates of the trajectories, to subscribe to in your calendar. People are shown by title and unit unless you turn on Show names: the calendar service fetches the calendar and keeps it. What is overdue is shown on today. Outlook and Google fetch the calendar over the internet: this works only when stakemap can be reached from the internet; ask whoever runs stakemap if need be."},
	"cal.url":       {"Uw agendalink (alleen nu zichtbaar; trek hem in als hij uitlekt):", "Your calendar link (shown only now; revoke it if it leaks):"},
	"cal.copy":      {"Kopiëren", "Copy"},
	"cal.local":     {"Let op: %s is deze computer. Outlook en Google halen de agenda op vanaf internet en kunnen deze link niet gebruiken. Vraag wie stakemap beheert om het internetadres van stakemap (--external-url) en maak dan een nieuwe link.", "Note: %s is this computer. Outlook and Google fetch the calendar over the internet and cannot use this link. Ask whoever runs stakemap for its internet address (--external-url), then make a new link."},
	"cal.private":   {"Let op: %s is alleen binnen uw netwerk bereikbaar. Outlook en Google halen de agenda op vanaf internet en kunnen deze link waarschijnlijk niet gebruiken; vraag wie stakemap beheert of stakemap vanaf internet bereikbaar is (--external-url).", "Note: %s can be reached only inside your network. Outlook and Google fetch the calendar over the internet and probably cannot use this link; ask whoever runs stakemap whether it can be reached from the internet (--external-url)."},
	"cal.copied":    {"Gekopieerd.", "Copied."},
	"cal.outlook":   {"Outlook: Agenda → Agenda toevoegen → Abonneren via internet (Outlook op het web: Van internet), plak de link.", "Outlook: Calendar → Add calendar → Subscribe from web (Outlook on the web: From internet), paste the link."},
	"cal.google":    {"Google Agenda: Andere agenda's → + → Via URL, plak de link.", "Google Calendar: Other calendars → + → From URL, paste the link."},
	"cal.names":     {"Namen", "Names"},
	"cal.created":   {"Gemaakt", "Made"},
	"cal.feed":      {"agendalink", "calendar link"},
	"cal.none":      {"Nog geen agendalinks.", "No calendar links yet."},
	"cal.new":       {"Agendalink maken", "Make a calendar link"},
	"cal.shownames": {"Namen tonen", "Show names"},
	"cal.make":      {"Link maken", "Make link"},
	"cal.revoked":   {"Agendalink ingetrokken.", "Calendar link revoked."},
}

// eventKindLabels name the kinds of change in the history filter.
var eventKindLabels = map[string][2]string{
	"stakeholder": {"belanghebbende", "stakeholder"}, "trajectory": {"traject", "trajectory"}, "goal": {"doel", "goal"},
	"enabler": {"randvoorwaarde", "enabler"}, "engagement": {"contactmoment", "contact"}, "stake": {"rol", "role"},
	"influence": {"invloed", "influence"}, "reportsTo": {"rapportagelijn", "reporting line"},
	"supports": {"ondersteunt doel", "supports goal"}, "dependsOn": {"afhankelijkheid", "dependency"},
	"workspace": {"werkruimte", "workspace"},
}

func init() {
	for k, v := range historyTexts {
		if _, dup := catalogue[k]; dup {
			panic("webui: text " + k + " is in the catalogue twice")
		}
		catalogue[k] = v
	}
	if _, dup := enumLabels["eventkind"]; dup {
		panic("webui: enum eventkind is defined twice")
	}
	enumLabels["eventkind"] = eventKindLabels
}
