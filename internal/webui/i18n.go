package webui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stakemap/stakemap/graph"
)

// The catalogue holds every text of the pages in Dutch and English, side by
// side so that a text is never added in one language only (a test checks
// that both are filled). Labels of fields are the spreadsheet headers, so
// that a register kept in Excel and the pages speak alike.
var catalogue = map[string][2]string{
	// Navigation and frame.
	"app":            {"stakemap", "stakemap"},
	"skip":           {"Naar de inhoud", "Skip to content"},
	"nav":            {"Hoofdmenu", "Main menu"},
	"nav.overview":   {"Overzicht", "Overview"},
	"nav.register":   {"Register", "Register"},
	"nav.traj":       {"Trajecten", "Trajectories"},
	"nav.contacts":   {"Contact loggen", "Log a contact"},
	"nav.findings":   {"Bevindingen", "Findings"},
	"nav.paths":      {"Paden", "Paths"},
	"nav.maps":       {"Kaarten", "Maps"},
	"nav.import":     {"Import en export", "Import and export"},
	"nav.export":     {"Exporteren", "Export"},
	"nav.settings":   {"Instellingen", "Settings"},
	"nav.workspaces": {"Werkruimtes", "Workspaces"},
	"signedinas":     {"Aangemeld als %s", "Signed in as %s"},
	"logout":         {"Afmelden", "Sign out"},
	"lang.switch":    {"English", "Nederlands"},
	"lang.switch.to": {"en", "nl"},
	"save":           {"Opslaan", "Save"},
	"cancel":         {"Annuleren", "Cancel"},
	"remove":         {"Verwijderen", "Remove"},
	"delete":         {"Verwijderen", "Delete"},
	"add":            {"Toevoegen", "Add"},
	"search":         {"Zoeken", "Search"},
	"filter":         {"Filteren", "Filter"},
	"all":            {"alle", "all"},
	"none":           {"geen", "none"},
	"empty":          {"—", "—"},
	"reload":         {"Opnieuw laden", "Reload"},
	"saved":          {"Opgeslagen.", "Saved."},
	"deleted":        {"Verwijderd.", "Deleted."},
	"deleted.who":    {"%s is verwijderd.", "%s was deleted."},
	"form.problems":  {"Het formulier is niet opgeslagen: verbeter de gemarkeerde velden.", "The form was not saved: correct the marked fields."},
	"form.lookup":    {"Dit kan niet worden getoond: verbeter de gemarkeerde velden.", "This cannot be shown: correct the marked fields."},
	"form.import":    {"Er is niets ingelezen of opgeslagen: hieronder staat wat er niet klopt.", "Nothing was read or saved: what is wrong is listed below."},
	"readonly":       {"U kunt deze werkruimte bekijken, niet wijzigen.", "You can view this workspace, not change it."},

	// Sign-in.
	"login.title":     {"Aanmelden", "Sign in"},
	"login.email":     {"E-mailadres", "E-mail address"},
	"login.password":  {"Wachtwoord", "Password"},
	"login.submit":    {"Aanmelden", "Sign in"},
	"login.bad":       {"Onjuist e-mailadres of wachtwoord.", "Wrong e-mail address or password."},
	"login.throttled": {"Te veel mislukte pogingen. Probeer het over %d seconden opnieuw.", "Too many failed attempts. Try again in %d seconds."},
	"login.oidc":      {"Aanmelden met uw organisatieaccount", "Sign in with your organisation account"},
	"login.ssofail":   {"Aanmelden met uw organisatieaccount is mislukt. %s", "Signing in with your organisation account failed. %s"},
	"login.intro":     {"Meld u aan om de stakeholderanalyse van uw organisatie bij te houden.", "Sign in to keep your organisation's stakeholder analysis."},

	// Errors.
	"err.notfound":       {"Niet gevonden", "Not found"},
	"err.notfound.text":  {"Deze pagina, werkruimte of dit item bestaat niet, of u hebt er geen toegang toe.", "This page, workspace or item does not exist, or you have no access to it."},
	"err.forbidden":      {"Geen toegang", "Not allowed"},
	"err.forbidden.text": {"Uw rol in deze werkruimte staat dit niet toe.", "Your role in this workspace does not allow this."},
	"err.internal":       {"Er ging iets mis", "Something went wrong"},
	"err.internal.text":  {"De server kon dit verzoek niet afhandelen. Probeer het later opnieuw.", "The server could not handle this request. Please try again later."},
	"err.linkgone":       {"Link niet meer geldig", "Link no longer valid"},
	"err.linkgone.text":  {"Deze link is ingetrokken of verlopen. Vraag wie hem deelde om een nieuwe.", "This link was revoked or has expired. Ask whoever shared it for a new one."},
	"err.back":           {"Terug naar het overzicht", "Back to the overview"},
	"err.stale":          {"Iemand anders heeft dit intussen gewijzigd. Uw wijzigingen staan hieronder maar zijn niet opgeslagen: laad opnieuw om de actuele gegevens te zien.", "Someone else changed this meanwhile. Your changes are shown below but were not saved: reload to see the current data."},
	"err.gone":           {"Dit item bestaat intussen niet meer.", "This item no longer exists."},
	"err.exists":         {"Deze id is al in gebruik.", "This id is already in use."},
	"err.relexists":      {"Dit verband bestaat al.", "This relationship exists already."},

	// Field problems.
	"p.required":   {"Vul dit veld in.", "Fill in this field."},
	"p.scale":      {"Kies een getal van 1 tot en met 5.", "Choose a number from 1 to 5."},
	"p.oneof":      {"Kies een van: %s.", "Choose one of: %s."},
	"p.date":       {"Geen geldige datum: schrijf bijvoorbeeld 30-11-2026.", "Not a valid date: write for example 2026-11-30."},
	"p.baddate":    {"%s bestaat niet: %s heeft %d dagen.", "%s does not exist: %s has %d days."},
	"p.id":         {"Een id bestaat uit 1–64 tekens a–z, 0–9, '.', '_' of '-' en begint met een letter of cijfer.", "An id has 1–64 characters a–z, 0–9, '.', '_' or '-' and starts with a letter or digit."},
	"p.toolong":    {"Te lang: %d tekens, hooguit %d.", "Too long: %d characters, at most %d."},
	"p.text":       {"Bevat een teken dat niet is toegestaan (een stuurteken).", "Contains a character that is not allowed (a control character)."},
	"p.unknown":    {"Onbekend: %s.", "Unknown: %s."},
	"p.didyoumean": {"Onbekend: %s. Bedoelt u %s?", "Unknown: %s. Did you mean %s?"},
	"p.ambiguous":  {"%s past bij meerdere: %s. Kies de juiste uit de lijst die verschijnt terwijl u typt.", "%s matches several: %s. Pick the right one from the list that appears as you type."},
	"p.strength":   {"Kies een sterkte groter dan 0 en hooguit 1, bijvoorbeeld 0,8.", "Choose a strength above 0 and at most 1, for example 0.8."},
	"p.days":       {"Kies een aantal dagen van 1 tot en met 365.", "Choose a number of days from 1 to 365."},
	"p.self":       {"Iemand kan niet met zichzelf verbonden zijn.", "Someone cannot be linked to themselves."},
	"p.k":          {"Kies een aantal van 1 tot en met 20.", "Choose a number from 1 to 20."},
	"p.file":       {"Kies een bestand: een Excel-werkmap (.xlsx), een CSV-bestand of een stakemap/v1 JSON-document.", "Choose a file: an Excel workbook (.xlsx), a CSV file or a stakemap/v1 JSON document."},
	"p.email":      {"Vul een e-mailadres in, zoals naam@voorbeeld.nl.", "Fill in an e-mail address such as name@example.org."},

	// Fields: the spreadsheet headers.
	"f.id":            {"Id", "Id"},
	"f.name":          {"Naam", "Name"},
	"f.kind":          {"Soort", "Kind"},
	"f.title":         {"Functie", "Title"},
	"f.unit":          {"Afdeling", "Unit"},
	"f.level":         {"Niveau", "Level"},
	"f.influence":     {"Invloed", "Influence"},
	"f.interest":      {"Belang", "Interest"},
	"f.attitude":      {"Houding", "Attitude"},
	"f.notes":         {"Notities", "Notes"},
	"f.tags":          {"Labels", "Tags"},
	"f.contactEvery":  {"Contact elke (dagen)", "Contact every (days)"},
	"f.lastContact":   {"Laatste contact", "Last contact"},
	"f.quadrant":      {"Kwadrant", "Quadrant"},
	"f.purpose":       {"Doel", "Purpose"},
	"f.status":        {"Status", "Status"},
	"f.start":         {"Begin", "Start"},
	"f.end":           {"Einde", "End"},
	"f.reviewBy":      {"Evaluatie", "Review by"},
	"f.measure":       {"Effectmeting", "Impact measure"},
	"f.date":          {"Datum", "Date"},
	"f.channel":       {"Kanaal", "Channel"},
	"f.with":          {"Met", "With"},
	"f.about":         {"Over", "About"},
	"f.summary":       {"Samenvatting", "Summary"},
	"f.resultsShared": {"Resultaten gedeeld", "Results shared"},
	"f.role":          {"Rol", "Role"},
	"f.trajectory":    {"Traject", "Trajectory"},
	"f.stakeholder":   {"Belanghebbende", "Stakeholder"},
	"f.strength":      {"Sterkte", "Strength"},
	"f.direction":     {"Richting", "Direction"},
	"f.manager":       {"Leidinggevende", "Manager"},
	"f.goal":          {"Doel", "Goal"},
	"f.on":            {"Afhankelijk van", "Depends on"},
	"f.note":          {"Toelichting", "Note"},
	"f.language":      {"Taal", "Language"},
	"f.ldUnit":        {"L&D-afdeling", "L&D unit"},
	"f.from":          {"Van", "From"},
	"f.to":            {"Naar", "To"},
	"f.mode":          {"Soort pad", "Mode"},
	"f.k":             {"Aantal alternatieven", "Alternatives"},
	"f.map":           {"Kaart", "Map"},
	"f.anonymize":     {"Anoniem (functie en afdeling in plaats van namen)", "Anonymise (title and unit instead of names)"},
	"f.file":          {"Bestand", "File"},
	"f.q":             {"Zoek op naam, functie of afdeling", "Search by name, title or unit"},

	"hint.id":       {"Gemaakt van de naam; u kunt hem aanpassen.", "Made from the name; you may change it."},
	"hint.newid":    {"Leeg laten: stakemap maakt hem van de naam (Jan de Vries → jan-de-vries). Een id verandert nooit en staat in exports en links.", "Leave it empty: stakemap makes it from the name (Jan de Vries → jan-de-vries). An id never changes and appears in exports and links."},
	"hint.date":     {"dd-mm-jjjj", "yyyy-mm-dd"},
	"hint.names":    {"Namen, gescheiden door komma's", "Names, separated by commas"},
	"hint.trajs":    {"Trajecten, gescheiden door komma's", "Trajectories, separated by commas"},
	"hint.strength": {"Tussen 0 en 1, bijvoorbeeld 0,8", "Between 0 and 1, for example 0.8"},
	"hint.tags":     {"Gescheiden door komma's", "Separated by commas"},
	"hint.scale":    {"1 (laag) tot 5 (hoog)", "1 (low) to 5 (high)"},

	// Overview.
	"ov.title":         {"Overzicht", "Overview"},
	"ov.stakeholders":  {"Belanghebbenden", "Stakeholders"},
	"ov.trajectories":  {"Trajecten", "Trajectories"},
	"ov.active":        {"actief", "active"},
	"ov.contacts":      {"Contactmomenten", "Contacts"},
	"ov.findings":      {"Bevindingen", "Findings"},
	"ov.nfindings":     {"%d bevindingen", "%d findings"},
	"ov.nfindings.1":   {"%d bevinding", "%d finding"},
	"ov.recent":        {"Recente contacten", "Recent contacts"},
	"ov.norecent":      {"Nog geen contacten gelogd.", "No contacts logged yet."},
	"ov.alltraj":       {"Alle trajecten", "All trajectories"},
	"ov.nofindings":    {"Geen bevindingen: alles is op orde.", "No findings: everything is in order."},
	"ov.allfindings":   {"Alle bevindingen", "All findings"},
	"ov.logged":        {"Contact opgeslagen.", "Contact saved."},
	"ov.resolved":      {"Opgelost door dit contact: %d bevindingen.", "Settled by this contact: %d findings."},
	"ov.resolved.1":    {"Opgelost door dit contact: %d bevinding.", "Settled by this contact: %d finding."},
	"ov.more":          {"en nog %d", "and %d more"},
	"grp.co-ownership": {"Gedeeld eigenaarschap", "Co-ownership"},
	"grp.visibility":   {"Zichtbaarheid", "Visibility"},
	"grp.strategy":     {"Strategie en afhankelijkheden", "Strategy and dependencies"},
	"sev.high":         {"hoog", "high"},
	"sev.medium":       {"middel", "medium"},
	"sev.low":          {"laag", "low"},
	"sev.label":        {"Ernst", "Severity"},
	"fix":              {"Oplossen", "Fix"},

	// Register.
	"reg.title":    {"Register van belanghebbenden", "Stakeholder register"},
	"reg.new":      {"Persoon toevoegen", "Add a person"},
	"reg.count":    {"%d van %d belanghebbenden", "%d of %d stakeholders"},
	"reg.page":     {"Pagina %d van %d", "Page %d of %d"},
	"reg.prev":     {"Vorige", "Previous"},
	"reg.next":     {"Volgende", "Next"},
	"reg.none":     {"Niemand gevonden.", "Nobody found."},
	"reg.pages":    {"Paginering", "Pagination"},
	"reg.sortby":   {"Sorteer op %s", "Sort by %s"},
	"reg.clear":    {"Filters wissen", "Clear filters"},
	"reg.newtitle": {"Nieuwe belanghebbende", "New stakeholder"},

	// A person.
	"p.edit":         {"Gegevens", "Details"},
	"p.roles":        {"Rollen op trajecten", "Roles on trajectories"},
	"p.noroles":      {"Nog geen rol op een traject.", "No role on any trajectory yet."},
	"p.addrole":      {"Rol toevoegen", "Add a role"},
	"p.changerole":   {"Rol wijzigen", "Change role"},
	"p.influences":   {"Beïnvloedt", "Influences"},
	"p.influencedby": {"Wordt beïnvloed door", "Influenced by"},
	"p.addinfluence": {"Invloed toevoegen", "Add an influence"},
	"p.dir.out":      {"%s beïnvloedt deze persoon", "%s influences this person"},
	"p.dir.in":       {"deze persoon beïnvloedt %s", "this person influences %s"},
	"dir.out":        {"beïnvloedt", "influences"},
	"dir.in":         {"wordt beïnvloed door", "is influenced by"},
	"f.other":        {"Andere persoon", "Other person"},
	"p.reporting":    {"Rapportagelijn", "Reporting line"},
	"p.reportsto":    {"Rapporteert aan", "Reports to"},
	"p.reports":      {"Medewerkers", "Direct reports"},
	"p.setmanager":   {"Leidinggevende instellen", "Set manager"},
	"p.contacts":     {"Contacten", "Contacts"},
	"p.nocontacts":   {"Nog geen contact gelogd.", "No contact logged yet."},
	"p.nocontact":    {"nog geen", "none yet"},
	"p.logcontact":   {"Contact loggen", "Log a contact"},
	"p.findings":     {"Bevindingen over deze persoon", "Findings about this person"},
	"p.nofindings":   {"Geen bevindingen over deze persoon.", "No findings about this person."},
	"p.delete":       {"Persoon verwijderen", "Delete this person"},
	"p.delete.q":     {"%s verwijderen? Rollen, invloed en rapportagelijnen van deze persoon verdwijnen ook; contacten met alleen deze persoon worden verwijderd.", "Delete %s? Their roles, influences and reporting lines go too; contacts with only this person are deleted."},
	"p.delete.yes":   {"Ja, verwijderen", "Yes, delete"},
	"p.none":         {"Niemand.", "Nobody."},
	"p.samename":     {"Er staat al iemand met deze naam in het register: %s. Is dit een andere persoon?", "The register has someone with this name already: %s. Is this another person?"},
	"p.samename.ok":  {"Ja, een andere persoon met dezelfde naam: toch opslaan", "Yes, another person with the same name: save anyway"},
	"p.unitspelling": {"Afdeling %q bestaat al als %q (alleen hoofdletters of accenten verschillen).", "Unit %q exists already as %q (only capitals or accents differ)."},
	"p.unitpick":     {"Welke afdeling bedoelt u?", "Which unit do you mean?"},
	"p.unitpick.old": {"De bestaande afdeling %s", "The existing unit %s"},
	"p.unitpick.new": {"Een nieuwe afdeling %s", "A new unit %s"},
	"p.advanced":     {"Geavanceerd: zelf een id kiezen", "Advanced: choose an id yourself"},

	// Trajectories.
	"t.title":       {"Leertrajecten", "Learning trajectories"},
	"t.new":         {"Traject toevoegen", "Add a trajectory"},
	"t.newtitle":    {"Nieuw traject", "New trajectory"},
	"t.details":     {"Gegevens", "Details"},
	"t.rolespanel":  {"Rollen", "Roles"},
	"t.missing":     {"Ontbreekt", "Missing"},
	"t.missing.q":   {"Er is geen %s voor dit traject.", "This trajectory has no %s."},
	"t.everyone":    {"Iedereen met een belang bij dit traject", "Everyone with a stake on this trajectory"},
	"t.addstake":    {"Iemand een rol geven", "Give someone a role"},
	"t.grid":        {"Macht-belangmatrix", "Power–interest grid"},
	"t.grid.help":   {"Sleep een persoon naar een ander vak, of kies de persoon en gebruik de pijltjestoetsen (omhoog/omlaag: invloed, links/rechts: belang). Zonder muis kan het ook met het formulier onder de matrix.", "Drag a person to another cell, or focus the person and use the arrow keys (up/down: influence, left/right: interest). The form below the grid does the same without a mouse."},
	"t.grid.only":   {"De matrix toont invloed en belang voor dít traject. Verschuiven verandert alleen de waarden op dit traject; de waarden in het register (en op andere trajecten) blijven zoals ze zijn.", "The grid shows influence and interest for this trajectory. Moving someone changes only their values on this trajectory; the values in the register (and on other trajectories) stay as they are."},
	"t.grid.set":    {"Positie op de matrix instellen", "Set a position on the grid"},
	"t.grid.moved":  {"%s: invloed %d, belang %d.", "%s: influence %d, interest %d."},
	"t.grid.cell":   {"Invloed %d, belang %d", "Influence %d, interest %d"},
	"t.grid.empty":  {"Nog niemand heeft een belang bij dit traject.", "Nobody has a stake on this trajectory yet."},
	"t.map":         {"Stakeholderkaart", "Stakeholder map"},
	"t.findings":    {"Bevindingen over dit traject", "Findings about this trajectory"},
	"t.nofindings":  {"Geen bevindingen over dit traject.", "No findings about this trajectory."},
	"t.goals":       {"Strategische doelen", "Strategic goals"},
	"t.nogoals":     {"Ondersteunt nog geen doel.", "Supports no goal yet."},
	"t.addgoal":     {"Doel koppelen", "Link a goal"},
	"t.deps":        {"Afhankelijkheden", "Dependencies"},
	"t.nodeps":      {"Geen afhankelijkheden.", "No dependencies."},
	"t.adddep":      {"Afhankelijkheid toevoegen", "Add a dependency"},
	"t.delete":      {"Traject verwijderen", "Delete this trajectory"},
	"t.delete.q":    {"%s verwijderen? De rollen en afhankelijkheden van dit traject verdwijnen ook.", "Delete %s? Its roles and dependencies go too."},
	"t.none":        {"Nog geen trajecten.", "No trajectories yet."},
	"t.people":      {"Betrokkenen", "People"},
	"t.grid.legend": {"Invloed (verticaal) tegen belang (horizontaal)", "Influence (vertical) against interest (horizontal)"},

	// Contacts.
	"c.title":    {"Contact loggen", "Log a contact"},
	"c.recent":   {"Laatste contacten", "Latest contacts"},
	"c.none":     {"Nog geen contacten.", "No contacts yet."},
	"c.newtitle": {"Nieuw contactmoment", "New contact"},
	"c.delete":   {"Contact verwijderen", "Delete contact"},

	// Findings page.
	"fi.title": {"Bevindingen", "Findings"},
	"fi.intro": {"Per groep, het ernstigste eerst. Elke bevinding verwijst naar de plek waar u haar oplost.", "By group, most severe first. Each finding links to the place where you fix it."},

	// Paths.
	"pa.title":         {"Via wie bereik ik …?", "Through whom do I reach …?"},
	"pa.submit":        {"Zoek paden", "Find paths"},
	"pa.none":          {"Geen pad gevonden tussen deze twee personen.", "No path found between these two people."},
	"pa.hops":          {"%d stap(pen), sterkte %s — %s", "%d hop(s), strength %s — %s"},
	"pa.intro":         {"Welke lijnen van invloed lopen van de ene persoon naar de andere? Vul in bij wie u begint (meestal iemand van L&D) en wie u wilt bereiken.", "Which lines of influence run from one person to another? Fill in whom you start from (usually someone from L&D) and whom you want to reach."},
	"pa.from.ld":       {"Meestal begint u bij iemand van L&D: %s.", "You usually start from someone in L&D: %s."},
	"pa.from.hint":     {"Meestal uzelf of iemand van L&D.", "Usually yourself or someone in L&D."},
	"pa.strength.help": {"Sterkte loopt van 0 tot 1: hoe groter, hoe sterker de invloedslijn. Elke stap telt mee (0,8 × 0,5 = 0,4), dus een lange omweg langs zwakke banden is zwak.", "Strength runs from 0 to 1: the larger, the stronger the line of influence. Every step counts (0.8 × 0.5 = 0.4), so a long detour through weak ties is weak."},
	"pa.strong":        {"een sterke lijn", "a strong line"},
	"pa.fair":          {"een redelijke lijn", "a fair line"},
	"pa.weak":          {"een zwakke lijn", "a weak line"},
	"pa.map":           {"Padenkaart", "Path map"},
	"pa.map.open":      {"groot openen in een nieuw tabblad (inzoomen met Ctrl +)", "open full size in a new tab (zoom with Ctrl +)"},
	"pa.shortest":      {"kortste", "shortest"},
	"pa.strongest":     {"sterkste", "strongest"},
	"pa.results":       {"Paden", "Paths"},

	// Maps.
	"m.title":        {"Kaarten", "Maps"},
	"m.show":         {"Toon kaart", "Show map"},
	"m.download":     {"Downloaden", "Download"},
	"m.deck":         {"Presentatie downloaden (PowerPoint)", "Download the presentation (PowerPoint)"},
	"m.unavailable":  {"Kaarten tekenen is op deze server niet beschikbaar.", "Drawing maps is not available on this server."},
	"m.stakeholders": {"Stakeholderkaart", "Stakeholder map"},
	"m.grid":         {"Macht-belangmatrix", "Power–interest grid"},
	"m.path":         {"Padenkaart", "Path map"},
	"m.dependencies": {"Afhankelijkheden", "Dependencies"},
	"m.wholews":      {"De hele werkruimte", "The whole workspace"},
	"m.alt":          {"%s van %s", "%s of %s"},
	"m.pathneeds":    {"Een padenkaart heeft een Van en een Naar: gebruik de pagina Paden.", "A path map needs a From and a To: use the Paths page."},

	// Import and export.
	"im.title":           {"Importeren en exporteren", "Import and export"},
	"im.upload":          {"Bestand importeren", "Import a file"},
	"im.help":            {"Een Excel-werkmap, een CSV-bestand of een stakemap/v1 JSON-document. U ziet eerst wat er verandert; er wordt pas iets opgeslagen als u op Toepassen klikt.", "An Excel workbook, a CSV file or a stakemap/v1 JSON document. You see what would change first; nothing is saved until you click Apply."},
	"im.check":           {"Controleren", "Check"},
	"im.apply":           {"Toepassen", "Apply"},
	"im.preview":         {"Wat deze import verandert", "What this import changes"},
	"im.added":           {"Toegevoegd", "Added"},
	"im.changed":         {"Gewijzigd", "Changed"},
	"im.removed":         {"Verwijderd", "Removed"},
	"im.nochange":        {"Het bestand verandert niets.", "The file changes nothing."},
	"im.applied":         {"Import toegepast. Items: %d toegevoegd, %d gewijzigd, %d verwijderd. Verbanden bijgewerkt: %d. Bevindingen: %d nieuw, %d opgelost. Elke wijziging staat in de Geschiedenis.", "Import applied. Items: %d added, %d changed, %d removed. Relationships updated: %d. Findings: %d new, %d settled. Every change is in the History."},
	"im.expired":         {"Deze controle is verlopen; upload het bestand opnieuw.", "This check has expired; upload the file again."},
	"im.problems":        {"Het bestand is niet ingelezen: %d problemen.", "The file was not read: %d problems."},
	"im.problems.1":      {"Het bestand is niet ingelezen: %d probleem.", "The file was not read: %d problem."},
	"im.export":          {"Exporteren", "Export"},
	"im.xlsx":            {"Excel-werkmap (.xlsx)", "Excel workbook (.xlsx)"},
	"im.json":            {"stakemap/v1 JSON", "stakemap/v1 JSON"},
	"im.relations":       {"Verbanden", "Relationships"},
	"im.relcounts":       {"Verbanden: %d toegevoegd, %d gewijzigd, %d verwijderd.", "Relationships: %d added, %d changed, %d removed."},
	"im.nodes":           {"Items", "Items"},
	"im.findings":        {"Bevindingen na de import: %d nieuw, %d opgelost.", "Findings after the import: %d new, %d settled."},
	"im.toolarge":        {"Het bestand is te groot: hooguit %d MB.", "The file is too large: at most %d MB."},
	"im.unreadable":      {"Het bestand kon niet worden gelezen. Is het een Excel-werkmap (.xlsx), een CSV-bestand (met ; of , tussen de kolommen) of een stakemap/v1 JSON-document? Sla het zo nodig opnieuw op in Excel en probeer het nog eens.", "The file could not be read. Is it an Excel workbook (.xlsx), a CSV file (with ; or , between the columns) or a stakemap/v1 JSON document? Save it again in Excel if need be and try once more."},
	"im.template":        {"Leeg sjabloon (.xlsx)", "Blank template (.xlsx)"},
	"im.template.help":   {"Begint u een register in Excel? Het sjabloon heeft alle bladen en kolommen, en keuzelijsten voor vaste waarden (Niveau, Houding, …).", "Starting a register in Excel? The template has every sheet and column, and drop-down lists for fixed values (Level, Attitude, …)."},
	"im.template.file":   {"stakemap-sjabloon.xlsx", "stakemap-template.xlsx"},
	"im.csv":             {"Een los CSV-bestand mag heten zoals u wilt: stakemap herkent het blad aan de kolomkoppen (Naam, Functie, Afdeling, Houding, … is het register). Contacten horen in een eigen blad, Contactmomenten.", "A single CSV file may have any name: stakemap tells the sheet by its column headers (Name, Title, Unit, Attitude, … is the register). Contacts belong in a sheet of their own, contacts (Contactmomenten)."},
	"im.mode":            {"Manier", "Mode"},
	"im.mode.auto":       {"automatisch: een werkmap of CSV samenvoegen, een JSON-document vervangt", "automatic: merge a workbook or CSV, a JSON document replaces"},
	"im.mode.merge":      {"samenvoegen: toevoegen en bijwerken, niets verwijderen", "merge: add and update, remove nothing"},
	"im.mode.replace":    {"vervangen: de werkruimte wordt precies het bestand", "replace: the workspace becomes exactly the file"},
	"im.prune":           {"Bij samenvoegen ook verwijderen wat in een blad van het bestand ontbreekt", "When merging, also remove what a sheet of the file lacks"},
	"im.otherws":         {"Dit bestand hoort bij werkruimte %s, niet bij %s.", "This file belongs to workspace %s, not %s."},
	"im.conflicts":       {"Tegenstrijdig: in het bestand én in stakemap gewijzigd", "Conflicts: changed in the file and in stakemap"},
	"im.what":            {"Wat", "What"},
	"im.field":           {"Veld", "Field"},
	"im.base":            {"Bij export", "When exported"},
	"im.sheet":           {"In het bestand", "In the file"},
	"im.stakemap":        {"In stakemap", "In stakemap"},
	"im.prefer":          {"Wie wint bij een tegenstrijdigheid?", "Which side wins a conflict?"},
	"im.prefer.sheet":    {"het bestand", "the file"},
	"im.prefer.stakemap": {"stakemap", "stakemap"},
	"im.prefer.none":     {"— kies —", "— choose —"},
	"im.choose":          {"Er zijn tegenstrijdigheden: kies wie wint, dan wordt de import toegepast.", "There are conflicts: choose which side wins, then the import is applied."},
	"im.stale":           {"De werkruimte is gewijzigd sinds de controle: er is niets opgeslagen. Controleer het bestand opnieuw.", "The workspace changed since the check: nothing was saved. Check the file again."},
	"im.mode.now":        {"Manier: %s", "Mode: %s"},
	"im.wschanged":       {"De gegevens van de werkruimte zelf (naam, taal, L&D-afdeling) veranderen.", "The workspace's own details (name, language, L&D unit) change."},

	// Settings.
	"s.title":           {"Instellingen van de werkruimte", "Workspace settings"},
	"s.help":            {"De L&D-afdeling telt nooit als onzichtbare afdeling.", "The L&D unit never counts as an invisible unit."},
	"s.retention.help":  {"Geschiedenis en momentopnamen ouder dan zoveel maanden worden verwijderd (AVG: niet langer bewaren dan nodig). 0 bewaart alles.", "History and snapshots older than this many months are removed (GDPR: keep no longer than needed). 0 keeps everything."},
	"s.retention.bad":   {"Kies een aantal maanden van 0 tot en met %d.", "Choose a number of months from 0 to %d."},
	"f.retentionMonths": {"Geschiedenis bewaren (maanden)", "Keep history (months)"},

	// Account.
	"a.title":           {"Mijn account", "My account"},
	"a.nav":             {"Mijn account", "My account"},
	"a.password":        {"Wachtwoord wijzigen", "Change password"},
	"a.current":         {"Huidig wachtwoord", "Current password"},
	"a.next":            {"Nieuw wachtwoord", "New password"},
	"a.next.hint":       {"Minstens 8 tekens; geen veelgebruikt wachtwoord.", "At least 8 characters; not a common password."},
	"a.tokens":          {"Persoonlijke tokens", "Personal tokens"},
	"a.tokens.help":     {"Voor scripts en koppelingen met de API: een token heeft uw rechten in één werkruimte, of minder.", "For scripts and links with the API: a token has your rights in one workspace, or fewer."},
	"a.notokens":        {"Nog geen tokens.", "No tokens yet."},
	"a.newtoken":        {"Token maken", "Create a token"},
	"a.workspaces":      {"Uw werkruimtes", "Your workspaces"},
	"a.noworkspaces":    {"U hebt nog geen toegang tot een werkruimte: vraag een beheerder.", "You have no access to a workspace yet: ask an admin."},
	"a.firstdone":       {"Uw eigen wachtwoord is ingesteld.", "Your own password is set."},
	"a.first":           {"Kies eerst een eigen wachtwoord. Het wachtwoord dat u van een beheerder kreeg, is alleen om mee te beginnen.", "Choose your own password first. The password an admin gave you is only for getting started."},
	"a.tokenrole":       {"Een token kan niet meer dan uw eigen rol in deze werkruimte (%s).", "A token cannot do more than your own role in this workspace (%s)."},
	"a.secret":          {"Uw nieuwe token (alleen nu zichtbaar, bewaar het veilig):", "Your new token (shown only now, keep it safe):"},
	"a.lastused":        {"Laatst gebruikt", "Last used"},
	"a.expires":         {"Verloopt", "Expires"},
	"a.revoke":          {"Intrekken", "Revoke"},
	"a.everywhere":      {"Overal afmelden", "Sign out everywhere"},
	"a.everywhere.help": {"Beëindigt al uw sessies, op elk apparaat, ook deze.", "Ends all your sessions, on every device, this one too."},
	"f.workspace":       {"Werkruimte", "Workspace"},
	"f.accessrole":      {"Rol", "Role"},
	"f.expiresAt":       {"Verloopt op", "Expires on"},

	// Members.
	"mb.title":         {"Wie heeft toegang", "Who has access"},
	"mb.nav":           {"Toegang", "Access"},
	"mb.help":          {"Lezers bekijken, redacteuren wijzigen, beheerders regelen ook toegang en instellingen. Beheerders van de hele dienst staan hier niet: zij kunnen overal bij.", "Viewers read, editors change, admins also manage access and settings. Admins of the whole service are not listed: they reach everything."},
	"mb.none":          {"Nog niemand.", "Nobody yet."},
	"mb.add":           {"Iemand toegang geven", "Give someone access"},
	"mb.noaccount":     {"Er is geen account met %s.", "There is no account for %s."},
	"mb.add.help":      {"Heeft deze persoon nog geen account, dan maakt stakemap er een, met alleen deze rol in deze werkruimte, en toont één keer een wachtwoord om door te geven.", "When this person has no account yet, stakemap makes one, with only this role in this workspace, and shows a password to hand over, once."},
	"mb.name":          {"Naam", "Name"},
	"mb.name.hint":     {"Voor een nieuw account; een bestaand account houdt zijn naam.", "For a new account; an existing account keeps its name."},
	"mb.give":          {"Toegang geven", "Give access"},
	"mb.made":          {"Account gemaakt voor %s (%s)", "Account made for %s (%s)"},
	"mb.initial":       {"Dit account heeft de rol %s in deze werkruimte en verder niets. Het eerste wachtwoord, alleen nu zichtbaar:", "This account has the role %s in this workspace and nothing else. Its first password, shown only now:"},
	"mb.initial.label": {"Eerste wachtwoord", "First password"},
	"mb.initial.help":  {"Geef het wachtwoord persoonlijk of via een ander kanaal door dan het e-mailadres (bijvoorbeeld telefoon of chat), en vraag de persoon om na het aanmelden een eigen wachtwoord te kiezen bij Mijn account.", "Hand the password over in person or through another channel than the e-mail address (phone, chat), and ask the person to choose their own password under My account after signing in."},

	// Users (service admins).
	"u.nav":        {"Gebruikers", "Users"},
	"u.title":      {"Gebruikers van deze dienst", "Users of this service"},
	"u.help":       {"Beheerders van de dienst maken hier accounts, geven een nieuw wachtwoord en verwijderen accounts. Rollen per werkruimte geeft u bij Toegang in de werkruimte.", "Service admins make accounts here, give new passwords and remove accounts. Roles per workspace are given under Access in the workspace."},
	"u.global":     {"Rol in alle werkruimtes", "Role in every workspace"},
	"u.workspaces": {"Werkruimtes", "Workspaces"},
	"u.actions":    {"Acties", "Actions"},
	"u.reset":      {"Nieuw wachtwoord", "New password"},
	"u.new":        {"Account maken", "Make an account"},
	"u.exists":     {"Dit e-mailadres heeft al een account.", "This e-mail address has an account already."},
	"u.made":       {"Eerste wachtwoord voor %s, alleen nu zichtbaar", "First password for %s, shown only now"},
	"u.remove":     {"Account verwijderen", "Remove account"},
	"u.remove.q":   {"Het account %s verwijderen? Sessies, tokens, rollen en gedeelde links van dit account verdwijnen ook.", "Remove the account %s? Its sessions, tokens, roles and share links go too."},

	// Share links.
	"sh.readonly":  {"Gedeeld om te bekijken, geldig tot %s.", "Shared for viewing, valid until %s."},
	"sh.anonymous": {"Personen staan erin met functie en afdeling, niet met naam.", "People are shown by title and unit, not by name."},
	"sh.map":       {"Kaart", "Map"},
	"sh.download":  {"Deze afbeelding", "This image"},

	// Sharing from the pages.
	"sh.title":           {"Delen", "Share"},
	"sh.share":           {"Delen", "Share"},
	"sh.list":            {"Gedeelde links", "Shared links"},
	"sh.new":             {"Nieuwe link", "New link"},
	"sh.intro":           {"Maak een link die iemand buiten het team (de HR-directeur, een stuurgroep) opent zonder account: alleen bekijken, met een einddatum, en in te trekken. Notities en samenvattingen van contacten staan er nooit in.", "Make a link someone outside the team (the HR director, a steering group) opens without an account: view only, with an end date, and revocable. Notes and contact summaries never show."},
	"sh.what":            {"Wat deelt u?", "What do you share?"},
	"sh.what.map":        {"Kaart: %s van %s", "Map: %s of %s"},
	"sh.what.trajectory": {"Traject: %s (rollen, betrokkenen en stakeholderkaart)", "Trajectory: %s (roles, people and stakeholder map)"},
	"sh.what.workspace":  {"De hele werkruimte: %s (trajecten en stakeholderkaart)", "The whole workspace: %s (trajectories and stakeholder map)"},
	"sh.expires.hint":    {"De laatste dag dat de link werkt: hoogstens 365 dagen vooruit (uiterlijk %s).", "The last day the link works: at most 365 days ahead (%s at the latest)."},
	"sh.past":            {"Deze datum ligt in het verleden.", "This date is in the past."},
	"sh.toolate":         {"Hoogstens %d dagen vooruit: uiterlijk %s.", "At most %d days ahead: %s at the latest."},
	"sh.warn":            {"Anoniem betekent: personen staan erin met hun functie en afdeling in plaats van hun naam. Een functie die maar één persoon heeft, maakt die persoon toch herkenbaar, met houding en al (criticus, blokkeerder). Kijk de kaart na voordat u de link deelt.", "Anonymised means: people are shown by title and unit instead of by name. A title only one person has still identifies that person, attitude (critic, blocker) and all. Check the map before you share the link."},
	"sh.warn.unique":     {"Maar één persoon in deze werkruimte heeft deze functie:", "Only one person in this workspace has each of these titles:"},
	"sh.make":            {"Link maken", "Make the link"},
	"sh.made":            {"Uw link", "Your link"},
	"sh.made.help":       {"De link is gemaakt en werkt tot en met %s.", "The link is made and works until %s."},
	"sh.link":            {"Link naar de pagina", "Link to the page"},
	"sh.copy":            {"Kopiëren", "Copy"},
	"sh.copied":          {"Gekopieerd", "Copied"},
	"sh.images":          {"De kaart als afbeelding", "The map as an image"},
	"sh.images.help":     {"Plak een van deze adressen in SharePoint, Confluence of Teams als afbeelding (Afbeelding invoegen › Van internet, of via een URL): de pagina toont dan steeds de actuele kaart, hoogstens een minuut oud. Kies PNG als u twijfelt.", "Paste one of these addresses into SharePoint, Confluence or Teams as an image (Insert image › From the web, or by URL): the page then always shows the current map, at most a minute old. Choose PNG when in doubt."},
	"sh.image":           {"Afbeelding (%s)", "Image (%s)"},
	"sh.once":            {"Bewaar de link nu: hij wordt maar één keer getoond. Bij Gedeelde links ziet u later hoe vaak hij is geopend, en trekt u hem in.", "Keep the link now: it is shown only once. Shared links shows later how often it was opened, and revokes it."},
	"sh.list.help":       {"De links van deze werkruimte. Een ingetrokken of verlopen link toont niets meer. De links zelf staan hier niet: ze worden één keer getoond, aan wie ze maakt.", "This workspace's links. A revoked or expired link shows nothing any more. The links themselves are not listed: they are shown once, to whoever makes them."},
	"sh.none":            {"Nog geen gedeelde links.", "No shared links yet."},
	"sh.col.what":        {"Wat", "What"},
	"sh.col.state":       {"Status", "State"},
	"sh.col.anon":        {"Anoniem", "Anonymised"},
	"sh.col.made":        {"Gemaakt", "Made"},
	"sh.col.count":       {"Keer geopend", "Times opened"},
	"sh.col.last":        {"Laatst geopend", "Last opened"},
	"sh.active":          {"actief", "active"},
	"sh.expired":         {"verlopen", "expired"},
	"sh.revoked":         {"ingetrokken", "revoked"},
	"sh.revokedok":       {"Link ingetrokken: hij toont niets meer.", "Link revoked: it shows nothing any more."},
	"yes":                {"ja", "yes"},
	"no":                 {"nee", "no"},

	// Workspaces.
	"ws.title": {"Werkruimtes", "Workspaces"},
	"ws.none":  {"U hebt nog geen toegang tot een werkruimte.", "You have no access to any workspace yet."},
	"ws.new":   {"Nieuwe werkruimte", "New workspace"},
	"ws.help":  {"Eén werkruimte per organisatie: werkruimtes zien elkaar nooit.", "One workspace per organisation: workspaces never see each other."},
}

// enumLabels translates the values of the enumerated fields. The Dutch
// words are those the spreadsheets accept.
var enumLabels = map[string]map[string][2]string{
	"kind": {
		"person": {"persoon", "person"}, "group": {"groep", "group"}, "unit": {"afdeling", "unit"}, "external": {"extern", "external"},
	},
	"level": {
		"board": {"bestuur", "board"}, "executive": {"directie", "executive"}, "management": {"management", "management"},
		"employee": {"medewerker", "employee"}, "external": {"extern", "external"},
	},
	"attitude": {
		"champion": {"kampioen", "champion"}, "supporter": {"voorstander", "supporter"}, "neutral": {"neutraal", "neutral"},
		"critic": {"criticus", "critic"}, "blocker": {"blokkeerder", "blocker"}, "unknown": {"onbekend", "unknown"},
	},
	"status": {
		"idea": {"idee", "idea"}, "planned": {"gepland", "planned"}, "running": {"lopend", "running"},
		"done": {"afgerond", "done"}, "stopped": {"gestopt", "stopped"},
	},
	"channel": {
		"meeting": {"overleg", "meeting"}, "presentation": {"presentatie", "presentation"}, "workshop": {"workshop", "workshop"},
		"report": {"rapportage", "report"}, "newsletter": {"nieuwsbrief", "newsletter"}, "informal": {"informeel", "informal"},
		"other": {"overig", "other"},
	},
	"role": {
		"sponsor": {"sponsor", "sponsor"}, "owner": {"eigenaar", "owner"}, "learner": {"lerende", "learner"},
		"contributor": {"bijdrager", "contributor"}, "expert": {"deskundige", "expert"}, "informed": {"geïnformeerd", "informed"},
	},
	"quadrant": {
		graph.QuadrantManageClosely: {"nauw betrekken", "manage closely"}, graph.QuadrantKeepSatisfied: {"tevreden houden", "keep satisfied"},
		graph.QuadrantKeepInformed: {"informeren", "keep informed"}, graph.QuadrantMonitor: {"monitoren", "monitor"},
	},
	"ekind": {
		"system": {"systeem", "system"}, "process": {"proces", "process"}, "hr-instrument": {"hr-instrument", "HR instrument"},
		"policy": {"beleid", "policy"}, "budget": {"budget", "budget"}, "other": {"overig", "other"},
	},
	"estatus": {"missing": {"ontbreekt", "missing"}, "planned": {"gepland", "planned"}, "ready": {"gereed", "ready"}},
	"nodekind": {
		"stakeholder": {"belanghebbende", "stakeholder"}, "trajectory": {"traject", "trajectory"}, "goal": {"doel", "goal"},
		"enabler": {"randvoorwaarde", "enabler"}, "engagement": {"contactmoment", "contact"},
	},
	"accessrole": {"viewer": {"lezer", "viewer"}, "editor": {"redacteur", "editor"}, "admin": {"beheerder", "admin"}},
	"language":   {"nl": {"Nederlands", "Dutch"}, "en": {"Engels", "English"}},
	"mode":       {graph.ModeShortest: {"kortste", "shortest"}, graph.ModeStrongest: {"sterkste", "strongest"}},
	"map": {
		"stakeholders": {"stakeholderkaart", "stakeholder map"}, "grid": {"macht-belangmatrix", "power–interest grid"},
		"path": {"padenkaart", "path map"}, "dependencies": {"afhankelijkheden", "dependencies"},
	},
	"code": {
		graph.CodeMissingSponsor:          {"geen sponsor", "no sponsor"},
		graph.CodeMissingOwner:            {"geen eigenaar", "no owner"},
		graph.CodeMissingLearnerVoice:     {"stem van lerenden ontbreekt", "learners' voice missing"},
		graph.CodeSponsorWithoutMandate:   {"sponsor zonder mandaat", "sponsor without mandate"},
		graph.CodeSingleOwner:             {"één eigenaar", "single owner"},
		graph.CodeOpposedOwner:            {"eigenaar tegen", "opposed owner"},
		graph.CodeWeakSponsor:             {"zwakke sponsor", "weak sponsor"},
		graph.CodeUnengagedKeyStakeholder: {"sleutelfiguur zonder contact", "key stakeholder not engaged"},
		graph.CodeAttitudeUnknown:         {"houding onbekend", "attitude unknown"},
		graph.CodeResultsNotShared:        {"resultaten niet gedeeld", "results not shared"},
		graph.CodeGoalWithoutTrajectory:   {"doel zonder traject", "goal without trajectory"},
		graph.CodeInvisibleUnit:           {"onzichtbare afdeling", "invisible unit"},
		graph.CodeContactDue:              {"contact aan de beurt", "contact due"},
		graph.CodeNoStrategicGoal:         {"geen strategisch doel", "no strategic goal"},
		graph.CodeNoImpactMeasure:         {"geen effectmeting", "no impact measure"},
		graph.CodeReviewOverdue:           {"evaluatie over datum", "review overdue"},
		graph.CodeBlocked:                 {"geblokkeerd", "blocked"},
		graph.CodeDependencyCycle:         {"kringafhankelijkheid", "dependency cycle"},
	},
}

// tr is the catalogue in one language.
type tr struct{ lang string }

func (t tr) idx() int {
	if t.lang == graph.LangEN {
		return 1
	}
	return 0
}

// T returns the text for key, formatted with args when there are any. A
// missing key shows itself, so that a gap is visible rather than blank.
// A count of exactly one takes the singular, key+".1", where there is
// one: "1 bevinding", "3 bevindingen".
func (t tr) T(key string, args ...any) string {
	if len(args) == 1 && args[0] == 1 {
		if _, ok := catalogue[key+".1"]; ok {
			key += ".1"
		}
	}
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m[t.idx()]
	}
	return fmt.Sprintf(m[t.idx()], args...)
}

// Enum returns the label of an enumerated value; an unknown value shows as
// it is.
func (t tr) Enum(field, value string) string {
	if m, ok := enumLabels[field][value]; ok {
		return m[t.idx()]
	}
	return value
}

// EnumList joins the labels of the allowed values, for "choose one of".
func (t tr) EnumList(field string, values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = t.Enum(field, v)
	}
	return strings.Join(out, ", ")
}

// Date shows a stored date (YYYY-MM-DD) as people write it: 30-11-2026 in
// Dutch, 2026-11-30 in English. Anything else shows as it is.
func (t tr) Date(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || t.lang == graph.LangEN {
		return s
	}
	return d.Format("02-01-2006")
}

// Num shows a number with a decimal comma in Dutch (0,8) and a point in
// English (0.8), without trailing zeros.
func (t tr) Num(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if t.lang != graph.LangEN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

var monthDays = [2]map[time.Month]string{
	{1: "januari", 2: "februari", 3: "maart", 4: "april", 5: "mei", 6: "juni", 7: "juli", 8: "augustus", 9: "september", 10: "oktober", 11: "november", 12: "december"},
	{1: "January", 2: "February", 3: "March", 4: "April", 5: "May", 6: "June", 7: "July", 8: "August", 9: "September", 10: "October", 11: "November", 12: "December"},
}

// parseDate reads a date as a person types it: 30-11-2026, 30/11/2026,
// 30.11.2026, 2026-11-30 (days and months may have one digit). It returns
// the stored form YYYY-MM-DD, or a problem in the person's language; an
// impossible date (31-9-2026) is named as such.
func (t tr) parseDate(s string) (string, string) {
	s = strings.TrimSpace(s)
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) != 3 {
		return "", t.T("p.date")
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return "", t.T("p.date")
		}
		nums[i] = n
	}
	y, m, d := nums[2], nums[1], nums[0]
	if len(parts[0]) == 4 {
		y, d = nums[0], nums[2]
	}
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return "", t.T("p.date")
	}
	days := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d > days {
		return "", t.T("p.baddate", s, monthDays[t.idx()][time.Month(m)], days)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), ""
}

// parseFloat reads a number with a decimal comma or point.
func parseFloat(s string) (float64, error) {
	return strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
}
