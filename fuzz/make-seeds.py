#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ (deterministic; generated data only, no real people).

    fuzz/make-seeds.py            rewrites the generated seeds (files a fuzzer found are left alone)

csv/ also takes the small quirk files of tests/data (generated test data)."""
import json, os, shutil, zipfile, glob

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(ROOT, "corpus")
HEADER = ["timestamp", "studentId", "studentName", "level", "category", "location", "actionTaken", "note",
          "teacherEmail", "classCode", "device", "uuid"]
ROWS = [
    ["2025-11-03T01:23:45.678Z", "3430", "Ari Testperson", "Minor", "Disruption", "Classroom", "Redirect",
     "Calling out, twice", "t.one@school.example", "5JT", "Mozilla/5.0", "0b6f3c1e-4a2d-4f8e-9c1b-2d3e4f5a6b70"],
    ["3/11/2025 12:23:45", "0421", "Bo Example", "Major", "Unsafe play", "Yard", "", "=SUM(A1)",
     "T.Two@School.Example ", "", "Mozilla/5.0 (X11)", "1c7a4d2f-5b3e-4a9f-8d2c-3e4f5a6b7c81"],
]


def out(sub, name, data):
    d = os.path.join(CORPUS, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
             '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def workbook_parts(date1904=False, shared=True):
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
          '2006/main" xmlns:r="%s">%s<sheets><sheet name="Incidents" sheetId="1" r:id="rId1"/>'
          '<sheet name="Commendations" sheetId="2" r:id="rId2"/></sheets></workbook>'
          % (rel, '<workbookPr date1904="1"/>' if date1904 else ""))
    wbrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
              '2006/relationships">'
              '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="%s/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
              '<Relationship Id="rId3" Type="%s/styles" Target="styles.xml"/>'
              '<Relationship Id="rId4" Type="%s/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
              % (rel, rel, rel, rel))
    styles = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="d/m/yyyy h:mm:ss"/>'
              '</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
              '<xf numFmtId="14"/></cellXfs></styleSheet>')
    strings = []

    def sst(s):
        if s not in strings:
            strings.append(s)
        return strings.index(s)

    def sheet(rows):
        x = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>']
        for r, row in enumerate(rows, start=1):
            x.append('<row r="%d">' % r)
            for c, v in enumerate(row):
                ref = "%s%d" % (col(c), r)
                if v is None:
                    continue
                if isinstance(v, tuple):  # (kind, value)
                    kind, val = v
                    if kind == "date":
                        x.append('<c r="%s" s="1"><v>%s</v></c>' % (ref, val))
                    elif kind == "num":
                        x.append('<c r="%s"><v>%s</v></c>' % (ref, val))
                    elif kind == "bool":
                        x.append('<c r="%s" t="b"><v>%s</v></c>' % (ref, val))
                    elif kind == "err":
                        x.append('<c r="%s" t="e"><v>%s</v></c>' % (ref, val))
                    elif kind == "formula":
                        x.append('<c r="%s" t="str"><f>A1&amp;B1</f><v>%s</v></c>' % (ref, esc(val)))
                    elif kind == "iso":
                        x.append('<c r="%s" t="d"><v>%s</v></c>' % (ref, val))
                elif shared:
                    x.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sst(v)))
                else:
                    x.append('<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (ref, esc(v)))
            x.append("</row>")
        x.append("</sheetData></worksheet>")
        return "".join(x)

    s1 = sheet([HEADER, [("date", "45964.0581"), ("num", "3430"), *ROWS[0][2:]], ROWS[1],
                [("num", "45964.5"), ("num", "3430.0"), "Ari Testperson", "Minor", ("err", "#REF!"), "Yard", None,
                 ("formula", "x"), "t.one@school.example", ("bool", "1"), "", "2d3e4f5a-1b2c-4d5e-8f90-a1b2c3d4e5f6"]])
    s2 = sheet([HEADER, [("iso", "2025-11-04T09:00:00"), "5012", "Cy Sample", "Notable", "Kindness", "Classroom",
                         "", "Helped a friend", "t.one@school.example", "5JT", "", "3e4f5a6b-2c3d-4e5f-9a01-b2c3d4e5f607"]])
    sst_xml = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
               '2006/main" count="%d" uniqueCount="%d">%s</sst>'
               % (len(strings), len(strings), "".join('<si><t xml:space="preserve">%s</t></si>' % esc(s)
                                                      for s in strings[:-1])
                  + ('<si><r><t>%s</t></r><r><t>!</t></r></si>' % esc(strings[-1]) if strings else "")))
    return [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", wb),
            ("xl/_rels/workbook.xml.rels", wbrels), ("xl/styles.xml", styles), ("xl/sharedStrings.xml", sst_xml),
            ("xl/worksheets/sheet1.xml", s1), ("xl/worksheets/sheet2.xml", s2)]


def xlsx(name, parts, compression):
    d = os.path.join(CORPUS, "xlsx")
    os.makedirs(d, exist_ok=True)
    with zipfile.ZipFile(os.path.join(d, name), "w", compression) as z:
        for part, text in parts:
            info = zipfile.ZipInfo(part, date_time=(2025, 11, 24, 0, 0, 0))  # fixed: reproducible bytes
            info.compress_type = compression
            z.writestr(info, text)


def main():
    # CSV: generated rows in each dialect, plus the quirk files of the test suite.
    rows = [HEADER] + ROWS

    def csv(rs, delim=",", eol="\r\n"):
        def field(v):
            return '"%s"' % v.replace('"', '""') if any(ch in v for ch in (delim, '"', "\n", "\r")) else v
        return eol.join(delim.join(field(v) for v in r) for r in rs) + eol

    out("csv", "comma-crlf.csv", csv(rows))
    out("csv", "semicolon-lf.csv", csv(rows, ";", "\n"))
    out("csv", "tab.csv", csv(rows, "\t", "\n"))
    out("csv", "bom-utf8.csv", b"\xef\xbb\xbf" + csv(rows).encode())
    out("csv", "utf16le-bom.csv", b"\xff\xfe" + csv(rows).encode("utf-16-le"))
    out("csv", "utf16be-bom.csv", b"\xfe\xff" + csv(rows).encode("utf-16-be"))
    out("csv", "multiline-quoted.csv", 'a,"line one\nline ""two""",c\r\n1,2,3\n')
    out("csv", "lfcr.csv", "a,b\n\r1,2\n\r")
    for f in sorted(glob.glob(os.path.join(ROOT, "..", "tests", "data", "sheets", "*.csv"))
                    + glob.glob(os.path.join(ROOT, "..", "tests", "data", "records", "*.csv"))):
        if os.path.getsize(f) <= 2048:
            shutil.copy(f, os.path.join(CORPUS, "csv", os.path.basename(f)))

    # XLSX: valid workbooks (deflated as Google writes them, stored, 1904 dates, inline strings).
    xlsx("shared-strings-deflated.xlsx", workbook_parts(), zipfile.ZIP_DEFLATED)
    xlsx("shared-strings-stored.xlsx", workbook_parts(), zipfile.ZIP_STORED)
    xlsx("date1904.xlsx", workbook_parts(date1904=True), zipfile.ZIP_DEFLATED)
    xlsx("inline-strings.xlsx", workbook_parts(shared=False), zipfile.ZIP_DEFLATED)
    # The same workbooks as parts for fuzz_xlsx_xml (0x01 between parts, in its order).
    for name, parts in (("shared-strings", workbook_parts()), ("date1904", workbook_parts(date1904=True)),
                        ("inline-strings", workbook_parts(shared=False))):
        out("xlsx_xml", name + ".parts", "\x01".join(text for _, text in parts))

    # Regressions: inputs that crashed a fuzzer once (the fix has a test in tests/ too).
    parts = workbook_parts()
    parts[6] = (parts[6][0], parts[6][1].replace('<row r="3">', '<row r="1">', 1))  # a row number goes back
    out("xlsx_xml", "regress-row-order.parts", "\x01".join(text for _, text in parts))

    # Timestamps: every form the parser knows.
    for i, t in enumerate(["2025-11-03T01:23:45.678Z", "2025-11-03T01:23:45Z", "2025-11-03 12:23:45+11:00",
                           "2025-11-03T12:23:45.123456789-0500", "3/11/2025 12:23:45", "03-11-2025 9:15",
                           "3.11.25 1:05:00 PM", "2025-11-03 12:23:45", "11/3/2025", "45964.0581", "45964",
                           "2025-10-05T02:30:00+10:00", "5/10/2025 2:30:00", "29/02/2024 23:59:59"]):
        out("timestamp", "ts-%02d.txt" % i, t)

    # Connection strings: URLs (Prisma options, Neon pooler, several hosts), keyword/value, service names.
    for i, c in enumerate([
            "postgresql://app:secretpw@ep-cool-1234-pooler.ap-southeast-2.aws.neon.tech/tracktally?sslmode=require&pgbouncer=true",
            "postgresql://owner:pw%2Fwith%40@ep-cool-1234.ap-southeast-2.aws.neon.tech:5432/tracktally?sslmode=require&schema=public",
            "postgres://u@localhost/db?connection_limit=5&pool_timeout=10&schema=My%20Schema",
            "postgresql://h1:5432,h2:6543/db?target_session_attrs=read-write",
            "postgresql://[::1]:5433/db?password=abc&sslpassword=def",
            "postgresql:///db?host=/var/run/postgresql",
            "host=localhost port=5432 dbname=tracktally user=admin password='it''s \\'quoted\\''",
            "host=/tmp dbname=x options='-csearch_path=a\\ b'",
            "service=tracktally",
            "tracktally_stage",
            "postgresql://user:pa/ss@host/db"]):
        out("connection", "conn-%02d.txt" % i, c)
    out("connection", "regress-nul.txt", b"postgres://u\x00@localhost/db?schema=My%20Schema")
    out("connection", "regress-schema-nul.txt", "postgres://u@localhost/db?schema=a%00b")

    # Project files: format 1 (JSON, what Project::saveJsonV1 writes; Project::load converts it). The SQLite seeds
    # are full.ttproj converted by the application itself and vacuumed to 512-byte pages; this script leaves them
    # alone. corpus/project/full-v2.ttproj was made by the format 2 application (records in rows, up to commit
    # 165a145) and is kept as it is; full-v3.ttproj (records in chunks) is remade with:
    #   cp full.ttproj full-v3.ttproj && build/tests/records/tst_projectfile --convert full-v3.ttproj &&
    #   rm full-v3.ttproj.v1.json && sqlite3 full-v3.ttproj 'PRAGMA journal_mode=DELETE; PRAGMA page_size=512; VACUUM'
    rec = ["0b6f3c1e-4a2d-4f8e-9c1b-2d3e4f5a6b70", 1762133025678, "incident", "3430", "Ari Testperson", "Minor",
           "Disruption", "Classroom", "Redirect", "note, with \"quotes\"", "t.one@school.example", "5JT",
           "Mozilla/5.0", 0, 2, 0]
    project = {
        "format": "tracktally-recovery-project", "version": 1,
        "school": {"name": "Example Primary", "domain": "school.example", "timeZone": "Australia/Melbourne"},
        "dateOrder": "dmy",
        "sources": [{"path": "/tmp/Incidents.csv", "kind": "csv", "sheet": "Incidents", "type": "incident",
                     "sha256": "00" * 32, "mapping": {}, "mappingFromUser": False, "encoding": "UTF-8",
                     "delimiter": ",", "counts": {"read": 3, "accepted": 2}, "notes": ["a note"],
                     "importedAt": "2025-11-25T01:00:00.000Z", "dateOrderUsed": "dmy"}],
        "quarantine": [{"source": 0, "row": 4, "field": "timestamp", "reason": "not a date",
                        "cells": ["x", "3430"]}],
        "warnings": [{"source": 0, "row": 3, "field": "teacherEmail", "message": "upper case"}],
        "decisions": {"duplicates": {rec[0]: {"source": 0, "row": 2}},
                      "rowEdits": [{"sourceSha256": "00" * 32, "sheet": "Incidents", "row": 4, "cells": ["y"]}]},
        "sections": {"roster": {"decisions": []}},
    }
    dup = list(rec)
    dup[14] = 3
    dup[9] = "edited"
    with_records = dict(project, records=[rec, dup])
    out("project", "full.ttproj", json.dumps(with_records, indent=1))
    out("project", "empty.ttproj", json.dumps({"format": "tracktally-recovery-project", "version": 1,
                                                   "school": {"name": "", "domain": "", "timeZone": ""},
                                                   "records": []}))
    out("project", "no-records.ttproj", json.dumps(project))
    # Regressions: numbers a blind cast got wrong (1e300 into 64 bits is undefined; 70000 wrapped into 16 bits).
    text = json.dumps(with_records)
    out("project", "regress-timestamp-1e300.ttproj", text.replace("1762133025678", "1e300", 1))
    out("project", "regress-flags-70000.ttproj", text.replace(", 0]", ", 70000]", 1))
    bad_mapping = json.loads(text)
    bad_mapping["sources"][0]["mapping"] = {"hasHeader": True, "columns": {"timestamp": 2147483647}}
    out("project", "regress-column-2147483647.ttproj", json.dumps(bad_mapping))
    # fuzz_project's direct way into the decoder of format 3's chunks: "chunk:", the count, the records (see
    # core/project/recordchunks.h): a uuid as 16 bytes and one as text, a commendation, ids, non-ASCII text.
    packed = bytes.fromhex("0b6f3c1e4a2d4f8e9c1b2d3e4f5a6b70")
    note = "Bemerkung \u00e4\u00df".encode("utf-8")
    out("project", "chunk-two.bin", b"chunk:\x02"
        + b"\x01" + packed + b"\x9c\xb5\x9e\xd6\xa1\x66" + b"\x043430" + bytes([1, 2, 0, 1, 0, 2, 1, 0])
        + bytes([len(note)]) + note + b"\x00\x04\x00"
        + b"\x02" + b"\x06not-id" + b"\x80\x01" + b"\x00" + bytes([0, 0, 0, 0, 0, 0, 0, 0]) + b"\x00" + b"\x01\x02\x11")


if __name__ == "__main__":
    main()
