// XlsxReader over workbooks written by the test XlsxWriter and hand-built parts: cell types, styles,
// layout (gaps, missing refs), sheet choice, and hostile files (not a zip, bombs, DTDs).
#include "common/errors.h"
#include "sheets/xlsxreader.h"
#include "xlsxwriter.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <zip.h>

using namespace tt;
using namespace tt::test;

Q_DECLARE_METATYPE(tt::test::XCell)
Q_DECLARE_METATYPE(tt::Cell)
Q_DECLARE_METATYPE(tt::XlsxLimits)

namespace {

using Part = QPair<QString, QByteArray>;
using Parts = QList<Part>;

QString kindName(Cell::Kind k)
{
    switch (k) {
    case Cell::Kind::Empty: return QStringLiteral("Empty");
    case Cell::Kind::Text: return QStringLiteral("Text");
    case Cell::Kind::Number: return QStringLiteral("Number");
    case Cell::Kind::Boolean: return QStringLiteral("Boolean");
    case Cell::Kind::DateTime: return QStringLiteral("DateTime");
    case Cell::Kind::Error: return QStringLiteral("Error");
    }
    return {};
}

// "Kind|text|number" so that a failing QCOMPARE shows everything.
QString describe(const Cell &c)
{
    return kindName(c.kind) + u'|' + c.text + u'|' + QString::number(c.number, 'g', 17);
}

QStringList describeRow(const std::vector<Cell> &cells)
{
    QStringList out;
    for (const Cell &c : cells)
        out.append(describe(c));
    return out;
}

struct Read
{
    QList<qint64> numbers;
    QList<QStringList> rows;
};

Read readSheet(XlsxReader &reader, const QString &sheet, Progress *progress = nullptr)
{
    Read r;
    reader.readSheet(
        sheet,
        [&r](SheetRow &row) {
            r.numbers.append(row.number);
            r.rows.append(describeRow(row.cells));
            return true;
        },
        progress);
    return r;
}

// What the reader must produce for a cell the writer wrote (the ground truth of the writer's contract).
Cell expectedCell(const XCell &x, const XlsxWriteOptions &o, bool dateFormatIsDate = true)
{
    auto numberText = [&x] { return x.literal.isEmpty() ? QString::number(x.number, 'g', 17) : x.literal; };
    switch (x.kind) {
    case XCell::Kind::Empty: return Cell{};
    case XCell::Kind::SharedString:
    case XCell::Kind::InlineString:
    case XCell::Kind::FormulaString: return Cell::makeText(x.text);
    case XCell::Kind::Number: return Cell{Cell::Kind::Number, numberText(), numberText().toDouble()};
    case XCell::Kind::Date:
        if (!dateFormatIsDate)
            return Cell{Cell::Kind::Number, numberText(), numberText().toDouble()};
        return Cell{Cell::Kind::DateTime, numberText(), numberText().toDouble() + (o.date1904 ? 1462 : 0)};
    case XCell::Kind::Boolean:
        return Cell{Cell::Kind::Boolean, x.number != 0 ? QStringLiteral("TRUE") : QStringLiteral("FALSE"),
                    x.number != 0 ? 1.0 : 0.0};
    case XCell::Kind::Error: return Cell{Cell::Kind::Error, x.text, 0};
    }
    return {};
}

bool writeZip(const QString &path, const Parts &parts, QString *error = nullptr)
{
    int err = 0;
    zip_t *za = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!za)
        return false;
    for (const Part &p : parts) {
        zip_source_t *src = zip_source_buffer(za, p.second.constData(), zip_uint64_t(p.second.size()), 0);
        if (!src || zip_file_add(za, p.first.toUtf8().constData(), src, ZIP_FL_ENC_UTF_8) < 0) {
            if (error)
                *error = QString::fromUtf8(zip_strerror(za));
            zip_source_free(src);
            zip_discard(za);
            return false;
        }
    }
    if (zip_close(za) != 0) {
        if (error)
            *error = QString::fromUtf8(zip_strerror(za));
        zip_discard(za);
        return false;
    }
    return true;
}

const QByteArray kMain = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

QByteArray workbookXml(const QByteArray &workbookPr = "<workbookPr/>")
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook " + kMain + ">" + workbookPr
           + "<sheets><sheet name=\"Incidents\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
}

QByteArray workbookRels(const QByteArray &sheetTarget = "worksheets/sheet1.xml")
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
           "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\""
           + sheetTarget
           + "\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
             "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" "
             "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
             "</Relationships>";
}

QByteArray stylesXml(const QByteArray &numFmts, const QByteArray &xfs)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet " + kMain + ">" + numFmts
           + "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>" + xfs
           + "</cellXfs></styleSheet>";
}

QByteArray sheetXml(const QByteArray &sheetData)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " + kMain
           + "><dimension ref=\"A1:C3\"/><sheetData>" + sheetData + "</sheetData></worksheet>";
}

// A minimal hand-built workbook: parts may be replaced or added.
Parts handBuiltParts(const QByteArray &sheetData, const QByteArray &shared = QByteArray(),
                const QByteArray &styles = QByteArray())
{
    return Parts{
        {QStringLiteral("xl/workbook.xml"), workbookXml()},
        {QStringLiteral("xl/_rels/workbook.xml.rels"), workbookRels()},
        {QStringLiteral("xl/worksheets/sheet1.xml"), sheetXml(sheetData)},
        {QStringLiteral("xl/sharedStrings.xml"),
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst " + kMain + ">" + shared + "</sst>"},
        {QStringLiteral("xl/styles.xml"),
         styles.isEmpty() ? stylesXml({}, "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>") : styles},
    };
}

void replacePart(Parts &parts, const QString &name, const QByteArray &data)
{
    for (Part &p : parts)
        if (p.first == name) {
            p.second = data;
            return;
        }
    parts.append({name, data});
}

const QByteArray kBillionLaughs =
    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>";

class CountingProgress : public Progress
{
public:
    void begin(const QString &phase, qint64 total) override
    {
        phases.append(phase);
        this->total = total;
    }
    void advance(qint64 done) override
    {
        if (done < last)
            wentBackwards = true;
        last = done;
        ++advances;
    }
    bool cancelRequested() const override { return cancel; }
    QStringList phases;
    qint64 total = -1;
    qint64 last = 0;
    int advances = 0;
    bool cancel = false;
    bool wentBackwards = false;
};

} // namespace

class tst_XlsxReader : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cells_data();
    void cells();
    void dateFormats_data();
    void dateFormats();
    void columnIndex_data();
    void columnIndex();
    void layout_data();
    void layout();
    void handBuilt_data();
    void handBuilt();
    void sheetChoice_data();
    void sheetChoice();
    void generatedRoundTrip_data();
    void generatedRoundTrip();
    void hostile_data();
    void hostile();
    void progressAndCancel_data();
    void progressAndCancel();
    void mutatedXmlNeverCrashes_data();
    void mutatedXmlNeverCrashes();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
    int m_counter = 0;
};

void tst_XlsxReader::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_XlsxReader::cells_data()
{
    QTest::addColumn<XCell>("input");
    QTest::addColumn<bool>("date1904");
    QTest::addColumn<bool>("builtinDate");
    QTest::addColumn<QString>("dateFormatCode");
    QTest::addColumn<Cell>("expected");

    const QString fmt = QStringLiteral("d/m/yyyy h:mm:ss");
    auto add = [&](const char *name, const XCell &x, const Cell &expected, bool d1904 = false, bool builtin = false,
                   const QString &code = QString()) {
        QTest::newRow(name) << x << d1904 << builtin << (code.isEmpty() ? fmt : code) << expected;
    };
    auto text = [](const char *s) { return Cell{Cell::Kind::Text, QString::fromUtf8(s), 0}; };
    add("shared-string", XCell::str(QStringLiteral("Disruption")), text("Disruption"));
    add("shared-string-spaces-kept", XCell::str(QStringLiteral("  Jo Smith  ")), text("  Jo Smith  "));
    add("shared-string-empty", XCell::str(QString()), Cell{});
    add("shared-string-xml-specials", XCell::str(QStringLiteral("a & b < c > \"d\" 'e'")),
        text("a & b < c > \"d\" 'e'"));
    add("shared-string-newlines", XCell::str(QStringLiteral("line1\r\nline2\nline3")), text("line1\r\nline2\nline3"));
    add("shared-string-control-char", XCell::str(QStringLiteral("bell\x07") + QStringLiteral("end")), text("bell\x07" "end"));
    add("shared-string-emoji", XCell::str(QString::fromUtf8("Great job 🙂 Zoë")), text("Great job 🙂 Zoë"));
    add("shared-string-formula-like", XCell::str(QStringLiteral("=HYPERLINK(\"x\")")), text("=HYPERLINK(\"x\")"));
    add("inline-string", XCell::inl(QStringLiteral("  inline & <b>  ")), text("  inline & <b>  "));
    add("formula-string", XCell{XCell::Kind::FormulaString, QStringLiteral("5JT"), 0, {}}, text("5JT"));
    add("number-integer", XCell::num(3430), Cell{Cell::Kind::Number, QStringLiteral("3430"), 3430});
    add("number-literal-dot-zero", XCell::num(3430, QStringLiteral("3430.0")),
        Cell{Cell::Kind::Number, QStringLiteral("3430.0"), 3430});
    add("number-literal-exponent", XCell::num(1500, QStringLiteral("1.5E3")),
        Cell{Cell::Kind::Number, QStringLiteral("1.5E3"), 1500});
    add("number-negative-fraction", XCell::num(-0.25), Cell{Cell::Kind::Number, QStringLiteral("-0.25"), -0.25});
    add("number-full-precision", XCell::num(0.1), Cell{Cell::Kind::Number, QString::number(0.1, 'g', 17), 0.1});
    add("boolean-true", XCell::boolean(true), Cell{Cell::Kind::Boolean, QStringLiteral("TRUE"), 1});
    add("boolean-false", XCell::boolean(false), Cell{Cell::Kind::Boolean, QStringLiteral("FALSE"), 0});
    add("error-value", XCell::error(QStringLiteral("#VALUE!")), Cell{Cell::Kind::Error, QStringLiteral("#VALUE!"), 0});
    add("error-ref", XCell::error(QStringLiteral("#REF!")), Cell{Cell::Kind::Error, QStringLiteral("#REF!"), 0});
    add("error-na", XCell::error(QStringLiteral("#N/A")), Cell{Cell::Kind::Error, QStringLiteral("#N/A"), 0});
    add("date-custom-format", XCell::date(45964.05815972222),
        Cell{Cell::Kind::DateTime, QString::number(45964.05815972222, 'g', 17), 45964.05815972222});
    add("date-builtin-22", XCell::date(45964.5), Cell{Cell::Kind::DateTime, QStringLiteral("45964.5"), 45964.5}, false,
        true);
    add("date-1904-shifted", XCell::date(44502.25), Cell{Cell::Kind::DateTime, QStringLiteral("44502.25"), 45964.25},
        true);
    add("date-1904-builtin", XCell::date(44502), Cell{Cell::Kind::DateTime, QStringLiteral("44502"), 45964}, true, true);
    add("date-iso-format", XCell::date(45964), Cell{Cell::Kind::DateTime, QStringLiteral("45964"), 45964}, false, false,
        QStringLiteral("yyyy-mm-dd"));
    add("date-elapsed-hours", XCell::date(1.5), Cell{Cell::Kind::DateTime, QStringLiteral("1.5"), 1.5}, false, false,
        QStringLiteral("[h]:mm"));
    add("date-locale-bracket", XCell::date(45964), Cell{Cell::Kind::DateTime, QStringLiteral("45964"), 45964}, false,
        false, QStringLiteral("[$-C09]d/mm/yyyy;@"));
    add("number-format-decimals-not-date", XCell::date(45964), Cell{Cell::Kind::Number, QStringLiteral("45964"), 45964},
        false, false, QStringLiteral("0.00"));
    add("number-format-colour-not-date", XCell::date(12), Cell{Cell::Kind::Number, QStringLiteral("12"), 12}, false,
        false, QStringLiteral("[Red]#,##0;[Blue]-#,##0"));
    add("number-format-quoted-days-not-date", XCell::date(12), Cell{Cell::Kind::Number, QStringLiteral("12"), 12},
        false, false, QStringLiteral("0 \"days\""));
    add("number-format-escaped-not-date", XCell::date(12), Cell{Cell::Kind::Number, QStringLiteral("12"), 12}, false,
        false, QStringLiteral("0\\h"));
    add("number-1904-not-shifted", XCell::num(100), Cell{Cell::Kind::Number, QStringLiteral("100"), 100}, true);
}

void tst_XlsxReader::cells()
{
    QFETCH(XCell, input);
    QFETCH(bool, date1904);
    QFETCH(bool, builtinDate);
    QFETCH(QString, dateFormatCode);
    QFETCH(Cell, expected);
    XlsxWriteOptions o;
    o.date1904 = date1904;
    o.useBuiltinDateFormat = builtinDate;
    o.dateFormatCode = dateFormatCode;
    // The cell under test sits in C2, after a text cell and before a number, to check positions too.
    XSheet sheet{QStringLiteral("Incidents"),
                 {{XCell::str(QStringLiteral("h1")), XCell::str(QStringLiteral("h2")), XCell::str(QStringLiteral("h3"))},
                  {XCell::str(QStringLiteral("left")), XCell::empty(), input, XCell::num(7)}},
                 {},
                 false};
    const QString file = path(QStringLiteral("cells%1.xlsx").arg(++m_counter));
    QString error;
    QVERIFY2(writeXlsx(file, {sheet}, o, &error), qPrintable(error));
    XlsxReader reader(file);
    QCOMPARE(reader.date1904(), date1904);
    QCOMPARE(reader.sheetNames(), QStringList{QStringLiteral("Incidents")});
    const Read r = readSheet(reader, QStringLiteral("Incidents"));
    QCOMPARE(r.numbers, (QList<qint64>{1, 2}));
    QCOMPARE(r.rows.at(1).size(), 4);
    QCOMPARE(r.rows.at(1).at(0), describe(Cell::makeText(QStringLiteral("left"))));
    QCOMPARE(r.rows.at(1).at(1), describe(Cell{}));
    QCOMPARE(r.rows.at(1).at(2), describe(expected));
    QCOMPARE(r.rows.at(1).at(3), describe(Cell{Cell::Kind::Number, QStringLiteral("7"), 7}));
}

void tst_XlsxReader::dateFormats_data()
{
    QTest::addColumn<int>("numFmtId");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("isDate");
    QTest::newRow("builtin-0-general") << 0 << QString() << false;
    QTest::newRow("builtin-1") << 1 << QString() << false;
    QTest::newRow("builtin-13") << 13 << QString() << false;
    for (int id : {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
        QTest::addRow("builtin-%d", id) << id << QString() << true;
    QTest::newRow("builtin-49-text") << 49 << QString() << false;
    QTest::newRow("custom-undefined-164") << 164 << QString() << false;
    QTest::newRow("general-code") << 164 << QStringLiteral("General") << false;
    QTest::newRow("d/m/yyyy") << 164 << QStringLiteral("d/m/yyyy") << true;
    QTest::newRow("yyyy-mm-dd hh:mm:ss.000") << 164 << QStringLiteral("yyyy\\-mm\\-dd hh:mm:ss.000") << true;
    QTest::newRow("[h]:mm:ss") << 164 << QStringLiteral("[h]:mm:ss") << true;
    QTest::newRow("[mm]:ss") << 164 << QStringLiteral("[mm]:ss") << true;
    QTest::newRow("h AM/PM") << 164 << QStringLiteral("h AM/PM") << true;
    QTest::newRow("locale-date") << 164 << QStringLiteral("[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy") << true;
    QTest::newRow("0.00") << 164 << QStringLiteral("0.00") << false;
    QTest::newRow("percent") << 164 << QStringLiteral("0%") << false;
    QTest::newRow("scientific") << 164 << QStringLiteral("0.00E+00") << false;
    QTest::newRow("currency-locale") << 164 << QStringLiteral("[$$-C09]#,##0.00") << false;
    QTest::newRow("colour") << 164 << QStringLiteral("[Red]0;[Magenta]-0") << false;
    QTest::newRow("quoted-text") << 164 << QStringLiteral("0 \"hrs\" \"mins\"") << false;
    QTest::newRow("escaped-letters") << 164 << QStringLiteral("0\\d\\m") << false;
    QTest::newRow("padding-underscore") << 164 << QStringLiteral("#,##0_);(#,##0)") << false;
    QTest::newRow("fill-star") << 164 << QStringLiteral("* #,##0;*-#,##0;*s") << false;
    QTest::newRow("text-at") << 164 << QStringLiteral("@") << false;
    QTest::newRow("code-wins-over-builtin-id") << 14 << QStringLiteral("0.00") << false;
}

void tst_XlsxReader::dateFormats()
{
    QFETCH(int, numFmtId);
    QFETCH(QString, code);
    QFETCH(bool, isDate);
    QCOMPARE(XlsxReader::isDateFormat(numFmtId, code), isDate);
}

void tst_XlsxReader::columnIndex_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addColumn<int>("index");
    QTest::newRow("A1") << QStringLiteral("A1") << 0;
    QTest::newRow("Z9") << QStringLiteral("Z9") << 25;
    QTest::newRow("AA10") << QStringLiteral("AA10") << 26;
    QTest::newRow("AB12") << QStringLiteral("AB12") << 27;
    QTest::newRow("AZ1") << QStringLiteral("AZ1") << 51;
    QTest::newRow("BA1") << QStringLiteral("BA1") << 52;
    QTest::newRow("XFD1048576") << QStringLiteral("XFD1048576") << 16383;
    QTest::newRow("lower-case") << QStringLiteral("l3") << 11;
    QTest::newRow("absolute") << QStringLiteral("$C$4") << 2;
    QTest::newRow("no-letters") << QStringLiteral("12") << -1;
}

void tst_XlsxReader::columnIndex()
{
    QFETCH(QString, ref);
    QFETCH(int, index);
    QCOMPARE(XlsxReader::columnIndex(ref), index);
}

void tst_XlsxReader::layout_data()
{
    QTest::addColumn<bool>("omitRefs");
    QTest::addColumn<QList<int>>("rowNumbers");
    QTest::newRow("refs-consecutive-rows") << false << QList<int>{};
    QTest::newRow("refs-row-gaps") << false << QList<int>{1, 2, 5, 6, 40};
    QTest::newRow("no-cell-refs") << true << QList<int>{};
    QTest::newRow("no-cell-refs-row-gaps") << true << QList<int>{2, 3, 9, 10, 1000000};
}

void tst_XlsxReader::layout()
{
    QFETCH(bool, omitRefs);
    QFETCH(QList<int>, rowNumbers);
    const auto s = [](const char *t) { return XCell::str(QString::fromUtf8(t)); };
    XSheet sheet;
    sheet.name = QStringLiteral("Incidents");
    sheet.omitCellRefs = omitRefs;
    sheet.rows = {
        {s("a"), s("b"), s("c")},
        {XCell::empty(), XCell::empty(), s("gap-before")},               // leading gap
        {XCell::empty(), XCell::empty(), XCell::empty()},                // a row element with no cells
        {s("x"), XCell::empty(), XCell::empty(), XCell::empty(), s("e")}, // inner gap, longer row
        {s("only")},
    };
    sheet.rowNumbers.assign(rowNumbers.cbegin(), rowNumbers.cend());
    const QString file = path(QStringLiteral("layout%1.xlsx").arg(++m_counter));
    QVERIFY(writeXlsx(file, {sheet}));
    XlsxReader reader(file);
    const Read r = readSheet(reader, QStringLiteral("Incidents"));
    QList<qint64> expectedNumbers;
    QList<QStringList> expectedRows;
    for (size_t i = 0; i < sheet.rows.size(); ++i) {
        expectedNumbers.append(rowNumbers.isEmpty() ? qint64(i + 1) : rowNumbers.at(qsizetype(i)));
        std::vector<Cell> cells;
        for (const XCell &x : sheet.rows[i])
            cells.push_back(expectedCell(x, {}));
        if (!omitRefs) // trailing empty cells are not written when cells carry references
            while (!cells.empty() && cells.back().kind == Cell::Kind::Empty)
                cells.pop_back();
        expectedRows.append(describeRow(cells));
    }
    QCOMPARE(r.numbers, expectedNumbers);
    QCOMPARE(r.rows, expectedRows);
}

void tst_XlsxReader::handBuilt_data()
{
    QTest::addColumn<Parts>("parts");
    QTest::addColumn<QList<qint64>>("numbers");
    QTest::addColumn<QList<QStringList>>("rows");

    const auto T = [](const char *t) { return describe(Cell::makeText(QString::fromUtf8(t))); };
    const auto N = [](const char *t) { return describe(Cell{Cell::Kind::Number, QString::fromUtf8(t), QByteArray(t).toDouble()}); };
    const QString E = describe(Cell{});

    QTest::newRow("rich-text-runs-and-phonetic")
        << handBuiltParts("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>",
                     "<si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space=\"preserve\"> and plain </t></r></si>"
                     "<si><t>漢字</t><rPh sb=\"0\" eb=\"2\"><t>かんじ</t></rPh><phoneticPr fontId=\"1\"/></si>")
        << QList<qint64>{1} << QList<QStringList>{{T("Bold and plain "), T("漢字")}};
    QTest::newRow("escaped-characters")
        << handBuiltParts("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>tab_x0009_x</t></is></c></row>",
                     "<si><t>a_x000D_b</t></si>")
        << QList<qint64>{1} << QList<QStringList>{{T("a\rb"), T("tab\tx")}};
    QTest::newRow("rows-and-cells-without-refs")
        << handBuiltParts("<row><c><v>1</v></c><c><v>2</v></c></row><row><c r=\"C2\"><v>3</v></c><c><v>4</v></c></row>"
                     "<row r=\"7\"><c><v>5</v></c></row><row><c r=\"B8\"><v>6</v></c></row>")
        << QList<qint64>{1, 2, 7, 8}
        << QList<QStringList>{{N("1"), N("2")}, {E, E, N("3"), N("4")}, {N("5")}, {E, N("6")}};
    QTest::newRow("empty-and-self-closing-rows")
        << handBuiltParts("<row r=\"1\"/><row r=\"2\"></row><row r=\"3\"><c r=\"B3\" s=\"0\"/></row>")
        << QList<qint64>{1, 2, 3} << QList<QStringList>{{}, {}, {E, E}};
    QTest::newRow("formula-cells-use-cached-value")
        << handBuiltParts("<row r=\"1\"><c r=\"A1\"><f>1+2</f><v>3</v></c><c r=\"B1\" t=\"str\"><f>A1&amp;\"x\"</f><v>3x</v></c>"
                     "<c r=\"C1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>")
        << QList<qint64>{1}
        << QList<QStringList>{{N("3"), T("3x"), describe(Cell{Cell::Kind::Error, QStringLiteral("#DIV/0!"), 0})}};
    QTest::newRow("iso-date-cells")
        << handBuiltParts("<row r=\"1\"><c r=\"A1\" t=\"d\"><v>2025-11-03T01:23:45Z</v></c><c r=\"B1\" t=\"d\"><v>2025-11-03</v></c></row>")
        << QList<qint64>{1}
        << QList<QStringList>{{describe(Cell{Cell::Kind::DateTime, QStringLiteral("2025-11-03T01:23:45Z"),
                                             45964 + (3600 + 23 * 60 + 45) / 86400.0}),
                               describe(Cell{Cell::Kind::DateTime, QStringLiteral("2025-11-03"), 45964})}};

    Parts absolute = handBuiltParts("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45964.25</v></c></row>");
    replacePart(absolute, QStringLiteral("xl/_rels/workbook.xml.rels"), workbookRels("/xl/sheets/data.xml"));
    absolute.removeIf([](const Part &p) { return p.first == u"xl/worksheets/sheet1.xml"; });
    absolute.append({QStringLiteral("xl/sheets/data.xml"), sheetXml("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45964.25</v></c></row>")});
    replacePart(absolute, QStringLiteral("xl/workbook.xml"), workbookXml("<workbookPr date1904=\"true\"/>"));
    QTest::newRow("absolute-target-date1904-true")
        << absolute << QList<qint64>{1}
        << QList<QStringList>{{describe(Cell{Cell::Kind::DateTime, QStringLiteral("45964.25"), 45964.25 + 1462})}};

    Parts relative = handBuiltParts("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    replacePart(relative, QStringLiteral("xl/_rels/workbook.xml.rels"), workbookRels("./worksheets/../worksheets/sheet1.xml"));
    QTest::newRow("relative-target-with-dots") << relative << QList<qint64>{1} << QList<QStringList>{{N("1")}};

    // Styles: the xf list that matters is cellXfs, not cellStyleXfs; custom format 165 is a date.
    Parts styled = handBuiltParts("<row r=\"1\"><c r=\"A1\" s=\"0\"><v>10</v></c><c r=\"B1\" s=\"1\"><v>10</v></c>"
                             "<c r=\"C1\" s=\"2\"><v>10</v></c><c r=\"D1\" s=\"9\"><v>10</v></c></row>",
                             {},
                             stylesXml("<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"0.0\"/>"
                                       "<numFmt numFmtId=\"165\" formatCode=\"dd/mm/yy\"/></numFmts>",
                                       "<xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"));
    QTest::newRow("styles-cellxfs-and-unknown-index")
        << styled << QList<qint64>{1}
        << QList<QStringList>{{N("10"), N("10"), describe(Cell{Cell::Kind::DateTime, QStringLiteral("10"), 10}), N("10")}};

    Parts noShared = handBuiltParts("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>");
    noShared.removeIf([](const Part &p) { return p.first == u"xl/sharedStrings.xml" || p.first == u"xl/styles.xml"; });
    QTest::newRow("no-shared-strings-no-styles") << noShared << QList<qint64>{1} << QList<QStringList>{{T("x")}};
}

void tst_XlsxReader::handBuilt()
{
    QFETCH(Parts, parts);
    QFETCH(QList<qint64>, numbers);
    QFETCH(QList<QStringList>, rows);
    const QString file = path(QStringLiteral("hand%1.xlsx").arg(++m_counter));
    QString error;
    QVERIFY2(writeZip(file, parts, &error), qPrintable(error));
    XlsxReader reader(file);
    const Read r = readSheet(reader, QStringLiteral("Incidents"));
    QCOMPARE(r.numbers, numbers);
    QCOMPARE(r.rows, rows);
}

void tst_XlsxReader::sheetChoice_data()
{
    QTest::addColumn<QStringList>("sheetNames");
    QTest::addColumn<QString>("requested");
    QTest::addColumn<int>("expectedIndex"); // -1: SourceError
    const QStringList two{QStringLiteral("Incidents"), QStringLiteral("Commendations")};
    QTest::newRow("first-exact") << two << QStringLiteral("Incidents") << 0;
    QTest::newRow("second-exact") << two << QStringLiteral("Commendations") << 1;
    QTest::newRow("case-and-space-insensitive") << two << QStringLiteral("  commendations ") << 1;
    QTest::newRow("missing-lists-existing") << two << QStringLiteral("Incident log") << -1;
    const QStringList similar{QStringLiteral("incidents"), QStringLiteral("Incidents ")
                              , QStringLiteral("Incidents")};
    QTest::newRow("exact-match-preferred") << similar << QStringLiteral("Incidents") << 2;
    QTest::newRow("first-loose-match") << similar << QStringLiteral("INCIDENTS") << 0;
}

void tst_XlsxReader::sheetChoice()
{
    QFETCH(QStringList, sheetNames);
    QFETCH(QString, requested);
    QFETCH(int, expectedIndex);
    std::vector<XSheet> sheets;
    for (qsizetype i = 0; i < sheetNames.size(); ++i)
        sheets.push_back(XSheet{sheetNames.at(i), {{XCell::str(QStringLiteral("sheet %1").arg(i))}}, {}, false});
    const QString file = path(QStringLiteral("choice%1.xlsx").arg(++m_counter));
    QVERIFY(writeXlsx(file, sheets));
    XlsxReader reader(file);
    QCOMPARE(reader.sheetNames(), sheetNames);
    if (expectedIndex < 0) {
        try {
            readSheet(reader, requested);
            QFAIL("no SourceError thrown");
        } catch (const SourceError &e) {
            for (const QString &name : sheetNames)
                QVERIFY2(e.message().contains(u'"' + name + u'"'), qPrintable(e.message()));
            QVERIFY2(e.message().contains(requested), qPrintable(e.message()));
        }
        return;
    }
    const Read r = readSheet(reader, requested);
    QCOMPARE(r.rows, QList<QStringList>{{describe(Cell::makeText(QStringLiteral("sheet %1").arg(expectedIndex)))}});
}

// Random sheets through the writer: every cell comes back as the writer's contract says.
void tst_XlsxReader::generatedRoundTrip_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<bool>("date1904");
    QTest::addColumn<bool>("omitRefs");
    QTest::newRow("seed7") << 7u << false << false;
    QTest::newRow("seed8-1904") << 8u << true << false;
    QTest::newRow("seed9-no-refs") << 9u << false << true;
}

void tst_XlsxReader::generatedRoundTrip()
{
    QFETCH(quint32, seed);
    QFETCH(bool, date1904);
    QFETCH(bool, omitRefs);
    QRandomGenerator rng(seed);
    const QStringList words{QStringLiteral("Disruption"), QStringLiteral(" spaced "), QStringLiteral("a&b<c>"),
                            QStringLiteral("quote\"s"),   QString::fromUtf8("Zoë 🙂"), QStringLiteral("multi\nline"),
                            QStringLiteral("=1+1"),       QStringLiteral("3430")};
    XSheet sheet;
    sheet.name = QStringLiteral("Incidents");
    sheet.omitCellRefs = omitRefs;
    int row = 0;
    for (int r = 0; r < 1500; ++r) {
        row += 1 + (rng.bounded(10) == 0 ? int(rng.bounded(5)) : 0);
        sheet.rowNumbers.push_back(row);
        std::vector<XCell> cells;
        const int n = 1 + int(rng.bounded(14));
        for (int c = 0; c < n; ++c) {
            switch (rng.bounded(9)) {
            case 0: cells.push_back(XCell::empty()); break;
            case 1: cells.push_back(XCell::str(words.at(int(rng.bounded(quint32(words.size()))))));
                break;
            case 2: cells.push_back(XCell::inl(words.at(int(rng.bounded(quint32(words.size()))))));
                break;
            case 3: cells.push_back(XCell::num(double(rng.bounded(100000)))); break;
            case 4: cells.push_back(XCell::num(rng.generateDouble() * 1e6 - 5e5)); break;
            case 5: {
                const quint32 v = rng.bounded(9999);
                cells.push_back(XCell::num(double(v), QString::number(v) + QStringLiteral(".0")));
                break;
            }
            case 6: cells.push_back(XCell::date(40000 + rng.generateDouble() * 8000)); break;
            case 7: cells.push_back(XCell::boolean(rng.bounded(2) == 1)); break;
            default: cells.push_back(XCell::error(QStringLiteral("#N/A"))); break;
            }
        }
        sheet.rows.push_back(std::move(cells));
    }
    XlsxWriteOptions o;
    o.date1904 = date1904;
    const QString file = path(QStringLiteral("gen%1.xlsx").arg(++m_counter));
    QVERIFY(writeXlsx(file, {sheet}, o));
    XlsxReader reader(file);
    const Read r = readSheet(reader, QStringLiteral("Incidents"));
    QCOMPARE(r.rows.size(), qsizetype(sheet.rows.size()));
    for (size_t i = 0; i < sheet.rows.size(); ++i) {
        std::vector<Cell> cells;
        for (const XCell &x : sheet.rows[i])
            cells.push_back(expectedCell(x, o));
        if (!omitRefs)
            while (!cells.empty() && cells.back().kind == Cell::Kind::Empty)
                cells.pop_back();
        QCOMPARE(r.numbers.at(qsizetype(i)), qint64(sheet.rowNumbers[i]));
        QCOMPARE(r.rows.at(qsizetype(i)), describeRow(cells));
    }
}

void tst_XlsxReader::hostile_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<XlsxLimits>("limits");
    QTest::addColumn<bool>("failsOnOpen");
    QTest::addColumn<QString>("expectedFragment");
    const XlsxLimits defaults;
    const QString notXlsx = QStringLiteral("is not an Excel workbook (.xlsx) or is damaged");
    QTest::newRow("not-a-zip") << QStringLiteral("text") << defaults << true << notXlsx;
    QTest::newRow("empty-file") << QStringLiteral("empty") << defaults << true << notXlsx;
    QTest::newRow("truncated-zip") << QStringLiteral("truncated") << defaults << true << notXlsx;
    QTest::newRow("corrupt-compressed-data") << QStringLiteral("corrupt") << defaults << false << notXlsx;
    QTest::newRow("missing-file") << QStringLiteral("missing") << defaults << true << QStringLiteral("cannot be opened");
    QTest::newRow("missing-workbook") << QStringLiteral("noworkbook") << defaults << true
                                     << QStringLiteral("has no workbook part");
    QTest::newRow("missing-sheet-part") << QStringLiteral("nosheetpart") << defaults << false
                                        << QStringLiteral("xl/worksheets/sheet1.xml is missing");
    QTest::newRow("zip-bomb-300MB-zeros") << QStringLiteral("bomb") << defaults << true
                                          << QStringLiteral("looks like a zip bomb");
    XlsxLimits small;
    small.maxUncompressedBytes = 100000;
    QTest::newRow("over-uncompressed-limit") << QStringLiteral("big") << small << true
                                             << QStringLiteral("looks like a zip bomb");
    QTest::newRow("too-many-entries") << QStringLiteral("entries") << defaults << true
                                      << QStringLiteral("looks like a zip bomb");
    QTest::newRow("dtd-billion-laughs-in-sheet") << QStringLiteral("dtd-sheet") << defaults << false
                                                 << QStringLiteral("contains a document type declaration (xl/worksheets/sheet1.xml");
    QTest::newRow("dtd-in-workbook") << QStringLiteral("dtd-workbook") << defaults << true
                                     << QStringLiteral("contains a document type declaration (xl/workbook.xml");
    QTest::newRow("dtd-in-shared-strings") << QStringLiteral("dtd-shared") << defaults << false
                                           << QStringLiteral("contains a document type declaration (xl/sharedStrings.xml");
    QTest::newRow("malformed-xml-names-part-and-line") << QStringLiteral("malformed") << defaults << false
                                                       << QStringLiteral("xl/worksheets/sheet1.xml, line 4:");
    QTest::newRow("truncated-xml") << QStringLiteral("cutxml") << defaults << false
                                   << QStringLiteral("xl/worksheets/sheet1.xml, line");
    XlsxLimits tight;
    tight.maxUncompressedBytes = 1 << 20;
    QTest::newRow("lying-zip-header-counted") << QStringLiteral("lying-header") << tight << false << notXlsx;
    QTest::newRow("shared-index-out-of-range") << QStringLiteral("badindex") << defaults << false
                                               << QStringLiteral("cell B1 of sheet \"Incidents\" refers to a shared text");
    // Found by fuzz/fuzz_xlsx_xml: a row number repeated or going back made two rows answer to one number.
    QTest::newRow("fuzz: row number goes back") << QStringLiteral("rowback") << defaults << false
                                                << QStringLiteral("row 2 (in xl/worksheets/sheet1.xml) comes after row 3");
    QTest::newRow("fuzz: row number repeated") << QStringLiteral("rowtwice") << defaults << false
                                               << QStringLiteral("row 1 (in xl/worksheets/sheet1.xml) comes after row 1");
    QTest::newRow("fuzz: numbered row after the last unnumbered") << QStringLiteral("rowunnumbered") << defaults << false
                                                                  << QStringLiteral("row 2 (in xl/worksheets/sheet1.xml) comes after row 2");
}

void tst_XlsxReader::hostile()
{
    QFETCH(QString, kind);
    QFETCH(XlsxLimits, limits);
    QFETCH(bool, failsOnOpen);
    QFETCH(QString, expectedFragment);
    const QString file = path(QStringLiteral("hostile-%1.xlsx").arg(kind));
    const QByteArray okRow = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>1</v></c></row>";
    auto writeRaw = [&](const QByteArray &bytes) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    };
    auto validBytes = [&]() {
        const QString tmp = path(QStringLiteral("valid-%1.xlsx").arg(++m_counter));
        XSheet s{QStringLiteral("Incidents"), {}, {}, false};
        for (int i = 0; i < 200; ++i)
            s.rows.push_back({XCell::str(QStringLiteral("row %1").arg(i)), XCell::num(i)});
        writeXlsx(tmp, {s});
        QFile f(tmp);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    };
    QString error;
    if (kind == u"text") {
        writeRaw("timestamp,studentId\n2025-11-03,3430\n");
    } else if (kind == u"empty") {
        writeRaw(QByteArray());
    } else if (kind == u"truncated") {
        const QByteArray b = validBytes();
        writeRaw(b.left(b.size() / 2));
    } else if (kind == u"corrupt") {
        // Damage the deflate stream of the sheet: locate it by its local header name.
        QByteArray b = validBytes();
        const qsizetype at = b.indexOf("xl/worksheets/sheet1.xml");
        QVERIFY(at > 0);
        for (qsizetype i = at + 40; i < at + 240 && i < b.size(); ++i)
            b[i] = char(0xFF - uchar(b[i]));
        writeRaw(b);
    } else if (kind == u"noworkbook") {
        QVERIFY(writeZip(file, {{QStringLiteral("[Content_Types].xml"), "<Types/>"}, {QStringLiteral("readme.txt"), "hi"}}));
    } else if (kind == u"nosheetpart") {
        Parts p = handBuiltParts(okRow, "<si><t>x</t></si>");
        p.removeIf([](const Part &x) { return x.first == u"xl/worksheets/sheet1.xml"; });
        QVERIFY(writeZip(file, p));
    } else if (kind == u"bomb") {
        // 300 MB of zeros deflates to ~300 KB: a real bomb, built from one shared 1 MB buffer.
        static const QByteArray zeros(1 << 20, '\0');
        std::vector<zip_buffer_fragment_t> fragments(300, zip_buffer_fragment_t{
            reinterpret_cast<zip_uint8_t *>(const_cast<char *>(zeros.constData())), zip_uint64_t(zeros.size())});
        int err = 0;
        zip_t *za = zip_open(QFile::encodeName(file).constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
        QVERIFY(za);
        const Parts p = handBuiltParts(okRow, "<si><t>x</t></si>");
        for (const Part &part : p) {
            if (part.first == u"xl/worksheets/sheet1.xml")
                continue;
            zip_source_t *src = zip_source_buffer(za, part.second.constData(), zip_uint64_t(part.second.size()), 0);
            QVERIFY(zip_file_add(za, part.first.toUtf8().constData(), src, 0) >= 0);
        }
        zip_source_t *src = zip_source_buffer_fragment(za, fragments.data(), fragments.size(), 0);
        QVERIFY(src);
        const zip_int64_t idx = zip_file_add(za, "xl/worksheets/sheet1.xml", src, 0);
        QVERIFY(idx >= 0);
        zip_set_file_compression(za, zip_uint64_t(idx), ZIP_CM_DEFLATE, 1); // fastest; zeros still shrink ~1000x
        QCOMPARE(zip_close(za), 0);
        QVERIFY(QFileInfo(file).size() < (300 << 20) / 200); // over the ratio limit
    } else if (kind == u"big") {
        QByteArray rows;
        for (int i = 1; i <= 5000; ++i)
            rows += "<row r=\"" + QByteArray::number(i) + "\"><c r=\"A" + QByteArray::number(i) + "\"><v>" + QByteArray::number(i) + "</v></c></row>";
        QVERIFY(writeZip(file, handBuiltParts(rows, "<si><t>x</t></si>")));
    } else if (kind == u"entries") {
        Parts p = handBuiltParts(okRow, "<si><t>x</t></si>");
        for (int i = 0; i < 10001; ++i)
            p.append({QStringLiteral("xl/media/pad%1.bin").arg(i), QByteArray()});
        QVERIFY(writeZip(file, p));
    } else if (kind == u"dtd-sheet") {
        Parts p = handBuiltParts(okRow, "<si><t>x</t></si>");
        replacePart(p, QStringLiteral("xl/worksheets/sheet1.xml"),
                    kBillionLaughs + "<worksheet " + kMain + "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>");
        QVERIFY(writeZip(file, p));
    } else if (kind == u"dtd-workbook") {
        Parts p = handBuiltParts(okRow, "<si><t>x</t></si>");
        replacePart(p, QStringLiteral("xl/workbook.xml"),
                    kBillionLaughs + "<workbook " + kMain + "><workbookPr/><sheets><sheet name=\"&lol9;\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
        QVERIFY(writeZip(file, p));
    } else if (kind == u"dtd-shared") {
        Parts p = handBuiltParts(okRow);
        replacePart(p, QStringLiteral("xl/sharedStrings.xml"),
                    kBillionLaughs + "<sst " + kMain + "><si><t>&lol9;</t></si></sst>");
        QVERIFY(writeZip(file, p));
    } else if (kind == u"malformed") {
        Parts p = handBuiltParts(okRow, "<si><t>x</t></si>");
        replacePart(p, QStringLiteral("xl/worksheets/sheet1.xml"),
                    "<?xml version=\"1.0\"?>\n<worksheet " + kMain + "><sheetData>\n<row r=\"1\">\n<c r=\"A1\"><v>1</c></row></sheetData></worksheet>");
        QVERIFY(writeZip(file, p));
    } else if (kind == u"cutxml") {
        Parts p = handBuiltParts(okRow, "<si><t>x</t></si>");
        replacePart(p, QStringLiteral("xl/worksheets/sheet1.xml"),
                    "<?xml version=\"1.0\"?>\n<worksheet " + kMain + "><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v>");
        QVERIFY(writeZip(file, p));
    } else if (kind == u"rowback") {
        QVERIFY(writeZip(file, handBuiltParts("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"3\"><c r=\"A3\"><v>3</v></c></row>"
                                              "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>")));
    } else if (kind == u"rowtwice") {
        QVERIFY(writeZip(file, handBuiltParts("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"1\"><c r=\"B1\"><v>2</v></c></row>")));
    } else if (kind == u"rowunnumbered") {
        QVERIFY(writeZip(file, handBuiltParts("<row><c><v>1</v></c></row><row><c><v>2</v></c></row><row r=\"2\"><c><v>3</v></c></row>")));
    } else if (kind == u"badindex") {
        QVERIFY(writeZip(file, handBuiltParts("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>5</v></c></row>",
                                         "<si><t>x</t></si>")));
    } else if (kind == u"lying-header") {
        // The zip headers claim the sheet is 100 bytes; it really is several MB. Patch both headers.
        QByteArray rows;
        for (int i = 1; i <= 60000; ++i)
            rows += "<row r=\"" + QByteArray::number(i) + "\"><c r=\"A" + QByteArray::number(i) + "\"><v>1</v></c></row>";
        QVERIFY(writeZip(file, handBuiltParts(rows, "<si><t>x</t></si>")));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray b = f.readAll();
        f.close();
        const QByteArray name = "xl/worksheets/sheet1.xml";
        auto put32 = [&b](qsizetype at, quint32 v) {
            for (int k = 0; k < 4; ++k)
                b[at + k] = char((v >> (8 * k)) & 0xFF);
        };
        int patched = 0;
        for (qsizetype at = b.indexOf(name); at >= 0; at = b.indexOf(name, at + 1)) {
            if (b.mid(at - 30, 4) == "PK\x03\x04") { // local header: name at offset 30, size at 22
                put32(at - 30 + 22, 100);
                ++patched;
            } else if (b.mid(at - 46, 4) == "PK\x01\x02") { // central directory: name at 46, size at 24
                put32(at - 46 + 24, 100);
                ++patched;
            }
        }
        QCOMPARE(patched, 2);
        writeRaw(b);
    } else if (kind == u"missing") {
        QFile::remove(file);
    } else {
        QFAIL("unknown kind");
    }

    bool opened = false;
    try {
        XlsxReader reader(file, limits);
        opened = true;
        readSheet(reader, QStringLiteral("Incidents"));
        QFAIL("no SourceError thrown");
    } catch (const SourceError &e) {
        qInfo().noquote() << e.message(); // the message a user would see, for review
        QCOMPARE(!opened, failsOnOpen);
        QVERIFY2(e.message().contains(expectedFragment), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QFileInfo(file).fileName()), qPrintable(e.message()));
        QCOMPARE(e.file(), file);
    }
}

void tst_XlsxReader::progressAndCancel_data()
{
    QTest::addColumn<bool>("cancel");
    QTest::newRow("complete") << false;
    QTest::newRow("cancelled") << true;
}

void tst_XlsxReader::progressAndCancel()
{
    QFETCH(bool, cancel);
    XSheet sheet{QStringLiteral("Incidents"), {}, {}, false};
    for (int i = 0; i < 20000; ++i)
        sheet.rows.push_back({XCell::date(45000 + i / 100.0), XCell::num(3000 + i % 700),
                              XCell::str(QStringLiteral("Student %1").arg(i % 900)), XCell::inl(QStringLiteral("note %1").arg(i))});
    const QString file = path(QStringLiteral("progress%1.xlsx").arg(++m_counter));
    QVERIFY(writeXlsx(file, {sheet}));
    XlsxReader reader(file);
    CountingProgress progress;
    progress.cancel = cancel;
    int rows = 0;
    auto run = [&] {
        reader.readSheet(
            QStringLiteral("Incidents"),
            [&rows](SheetRow &) {
                ++rows;
                return true;
            },
            &progress);
    };
    if (cancel) {
        QVERIFY_THROWS_EXCEPTION(Cancelled, run());
        QCOMPARE(rows, 0);
        return;
    }
    run();
    QCOMPARE(rows, 20000);
    QCOMPARE(progress.phases.size(), 1);
    QVERIFY2(progress.phases.first().contains(QStringLiteral("Incidents")), qPrintable(progress.phases.first()));
    QVERIFY(progress.total > 0);
    QCOMPARE(progress.last, progress.total);
    QVERIFY(progress.advances > 2);
    QVERIFY(!progress.wentBackwards);
}

// Damaged XML in any part ends in rows or a SourceError, never a crash or another exception.
void tst_XlsxReader::mutatedXmlNeverCrashes_data()
{
    QTest::addColumn<QString>("part");
    QTest::addColumn<quint32>("seed");
    for (const char *part : {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
                             "xl/_rels/workbook.xml.rels"})
        for (quint32 seed = 1; seed <= 40; ++seed)
            QTest::addRow("%s-%u", part, seed) << QString::fromUtf8(part) << seed;
}

void tst_XlsxReader::mutatedXmlNeverCrashes()
{
    QFETCH(QString, part);
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    Parts parts = handBuiltParts(
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>45964.5</v></c>"
        "<c r=\"C1\" t=\"inlineStr\"><is><t>x &amp; y</t></is></c><c r=\"D1\" t=\"b\"><v>1</v></c></row>"
        "<row><c t=\"e\"><v>#N/A</v></c><c r=\"AA2\" t=\"s\"><v>1</v></c></row>",
        "<si><t>one</t></si><si><r><t>tw</t></r><r><t>o</t></r></si>");
    static const char alphabet[] = "<>/=\"&;#x0123456789ABCDEFrcvtsi \n";
    for (Part &p : parts) {
        if (p.first != part)
            continue;
        QByteArray &b = p.second;
        const int edits = 1 + int(rng.bounded(6));
        for (int e = 0; e < edits && !b.isEmpty(); ++e) {
            const qsizetype at = qsizetype(rng.bounded(quint32(b.size())));
            switch (rng.bounded(3)) {
            case 0: b.remove(at, 1 + qsizetype(rng.bounded(8))); break;
            case 1: b.insert(at, alphabet[rng.bounded(quint32(sizeof alphabet - 1))]); break;
            default: b[at] = alphabet[rng.bounded(quint32(sizeof alphabet - 1))]; break;
            }
        }
    }
    const QString file = path(QStringLiteral("mutated%1.xlsx").arg(++m_counter));
    QVERIFY(writeZip(file, parts));
    try {
        XlsxReader reader(file);
        for (const QString &name : reader.sheetNames())
            readSheet(reader, name);
    } catch (const SourceError &) {
        // expected for most mutations
    }
}

QTEST_GUILESS_MAIN(tst_XlsxReader)
#include "tst_xlsxreader.moc"
