import re, sys
src, dst = sys.argv[1], sys.argv[2]
s = open(src).read()

def table_span(name):
    i = s.index('table:name="%s"' % name)
    return i, s.index('</table:table>', i)

def rows(a, b):
    return [(m.start(), m.end()) for m in re.finditer(r'<table:table-row\b.*?</table:table-row>', s[a:b], re.S)]

def edit_row(table, must, fn):
    global s
    a, b = table_span(table)
    for (x, y) in rows(a, b):
        row = s[a + x:a + y]
        if all('<text:p>%s</text:p>' % m in row for m in must):
            new = fn(row)
            assert new != row, (table, must)
            s = s[:a + x] + new + s[a + y:]
            return
    raise SystemExit("no row %s in %s" % (must, table))

# A field changed in the sheet only: Peter Janssen becomes a champion.
edit_row("Belanghebbenden", ["Peter Janssen"], lambda r: r.replace('<text:p>voorstander</text:p>', '<text:p>kampioen</text:p>'))
# A field the test changes in stakemap too: Marco Pieters' influence 4 → 3.
edit_row("Belanghebbenden", ["Marco Pieters"], lambda r: r.replace('office:value="4"', 'office:value="3"', 1).replace('<text:p>4</text:p>', '<text:p>3</text:p>', 1))
# A role changed: Jan de Vries from sponsor to owner of Klantgericht werken.
edit_row("Rollen", ["Jan de Vries", "Klantgericht werken"], lambda r: r.replace('<text:p>sponsor</text:p>', '<text:p>eigenaar</text:p>'))
# A new person, typed without an id.
a, b = table_span("Belanghebbenden")
for (x, y) in rows(a, b):
    row = s[a + x:a + y]
    if '<text:p>Karim El Amrani</text:p>' in row:
        new = (row.replace('Karim El Amrani', 'Fatima Bakker').replace('Medewerker Klantcontact', 'Teamleider Vergunningen')
               .replace('<text:p>Klantcontact</text:p>', '<text:p>Vergunningen</text:p>').replace('<text:p>medewerker</text:p>', '<text:p>management</text:p>')
               .replace('<text:p>karim-el-amrani</text:p>', '<text:p></text:p>'))
        new = re.sub(r'<table:table-cell([^>]*)office:value-type="string"([^>]*)>\s*<text:p></text:p>\s*</table:table-cell>', '<table:table-cell/>', new)
        s = s[:a + y] + new + s[a + y:]
        break
open(dst, 'w').write(s)
