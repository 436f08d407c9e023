import sys, html
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"')

def cell(v):
    if v is None or v == "":
        return '<table:table-cell/>'
    if isinstance(v, tuple) and v[0] == "date":
        return f'<table:table-cell table:style-name="datum" office:value-type="date" office:date-value="{v[1]}"><text:p>{v[1]}</text:p></table:table-cell>'
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{html.escape(str(v))}</text:p></table:table-cell>'

def doc(sheets):
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">',
           '<office:automatic-styles><number:date-style style:name="dmj"><number:day/><number:text>-</number:text><number:month/><number:text>-</number:text><number:year number:style="long"/></number:date-style>'
           '<style:style style:name="datum" style:family="table-cell" style:data-style-name="dmj"/></office:automatic-styles>',
           '<office:body><office:spreadsheet>']
    for name, rows in sheets:
        out.append(f'<table:table table:name="{html.escape(name)}">')
        for r in rows:
            out.append('<table:table-row>' + ''.join(cell(v) for v in r) + '</table:table-row>')
        out.append('</table:table>')
    out.append('</office:spreadsheet></office:body></office:document>\n')
    return '\n'.join(out)

D = lambda s: ("date", s)

people = [
    ["Naam", "Functie", "Afdeling", "Niveau", "Invloed", "Belang", "Houding", "Contact elke (dagen)"],
    ["Jan de Vries", "Directeur", "Directie", "directie", 5, 3, "neutraal", 60],
    ["Peter Janssen", "Manager Bedrijfsvoering", "Bedrijfsvoering", "management", 4, 4, "voorstander", None],
    ["Anouk Brouwer-Smit", "HR-directeur", "HR", "directie", 4, 5, "kampioen", 30],
    ["Sanne Öztürk", "Teamleider Klantcontact", "Klantcontact", "leidinggevende", 3, 4, "onbekend", None],
    ["Karim El Amrani", "Medewerker Klantcontact", "Klantcontact", "medewerker", 1, 4, "voorstander", None],
    ["Els Verbeek", "L&D-adviseur", "HR Opleidingen", "medewerker", 2, 5, "kampioen", None],
    ["Marco Pieters", "Controller", "Financiën", "management", 4, 2, "criticus", 90],
]
register = [
    ("Werkruimte", [["ID", "Naam", "Taal", "L&D-afdeling"], ["zandvoorde", "Gemeente Zandvoorde", "Nederlands", "HR Opleidingen"]]),
    ("Belanghebbenden", people),
    ("Trajecten", [["Naam", "Status", "Begin", "Herzien op", "Meting"],
                   ["Klantgericht werken", "lopend", D("2026-09-01"), D("2026-12-15"), "Klanttevredenheid per kwartaal"],
                   ["Leiderschap in verandering", "gepland", D("2027-01-11"), None, None]]),
    ("Doelen", [["Naam", "Termijn"], ["Dienstverlening op orde", "2027"]]),
    ("Rollen", [["Belanghebbende", "Traject", "Rol"],
                ["Jan de Vries", "Klantgericht werken", "opdrachtgever"],
                ["peter janssen", "Klantgericht werken", "eigenaar"],
                ["Sanne Ozturk", "klantgericht werken", "lerende"],
                ["Karim El Amrani", "Klantgericht werken", "lerende"],
                ["Anouk Brouwer-Smit", "Leiderschap in verandering", "sponsor"],
                ["Marco Pieters", "Leiderschap in verandering", "geïnformeerd"]]),
    ("Invloed", [["Van", "Op", "Sterkte"], ["Anouk Brouwer-Smit", "Jan de Vries", 0.8], ["Els Verbeek", "Anouk Brouwer-Smit", 0.6]]),
    ("Hiërarchie", [["Medewerker", "Leidinggevende"], ["Karim El Amrani", "Sanne Öztürk"], ["Sanne Öztürk", "Peter Janssen"], ["Peter Janssen", "Jan de Vries"]]),
    ("Ondersteunt", [["Traject", "Doel"], ["Klantgericht werken", "Dienstverlening op orde"]]),
    ("Contactmomenten", [["Datum", "Kanaal", "Met", "Over", "Samenvatting", "Resultaten gedeeld"],
                         [D("2026-09-12"), "overleg", "Peter Janssen; Jan de Vries", "Klantgericht werken", "Aftrap met directie", "nee"],
                         [D("2026-10-03"), "workshop", "Sanne Öztürk", "Klantgericht werken", "Eerste sessie teamleiders", "ja"]]),
]
errors = [
    ("Belanghebbenden", [people[0], people[1], people[2],
                         ["Sanne Öztürk", "Teamleider Klantcontact", "Klantcontact", "managment", 3, 4, "voorstandr", None],
                         ["Karim El Amrani", "Medewerker Klantcontact", "Klantcontact", "medewerker", "hoog", 4, "voorstander", None]]),
    ("Trajecten", [["Naam", "Status", "Herzien op"], ["Klantgericht werken", "lopend", "31-9-2026"]]),
    ("Rollen", [["Belanghebbende", "Traject", "Rol"],
                ["Peter Jansen", "Klantgericht werken", "eigenaar"],
                ["Jan de Vries", "Klantgericht", "sponsr"]]),
    ("Contactmomenten", [["Datum", "Kanaal", "Met", "Over"], ["29-2-2027", "overleg", "Jan de Vries", "Klantgericht werken"]]),
]
open(sys.argv[1] + "/register.fods", "w").write(doc(register))
open(sys.argv[1] + "/register-fouten.fods", "w").write(doc(errors))
