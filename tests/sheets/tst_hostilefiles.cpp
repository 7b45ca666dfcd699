// Hostile and odd files through the whole import (reader, mapping, validation, project): each is either refused
// with a message naming the file, the row and the column, or imported with every row accounted for
// (read = accepted + duplicates + quarantined) and memory bounded (rows never padded to column XFD, quarantined
// rows keep an excerpt, caps on cells, shared texts, rows and columns).
#include "common/errors.h"
#include "import/importer.h"
#include "project/project.h"
#include "rawxlsx.h"
#include "records/recordvalidator.h"
#include "sheets/csvreader.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace tt;
using namespace tt::test;

namespace {

const QStringList kHeader = {QStringLiteral("timestamp"),    QStringLiteral("studentId"),   QStringLiteral("studentName"),
                             QStringLiteral("level"),        QStringLiteral("category"),    QStringLiteral("location"),
                             QStringLiteral("actionTaken"),  QStringLiteral("note"),        QStringLiteral("teacherEmail"),
                             QStringLiteral("classCode"),    QStringLiteral("device"),      QStringLiteral("uuid")};
constexpr int kNoteColumn = 7; // H
constexpr int kXfd = 16383;

// One valid log (generated, no real person), its note given.
QStringList logRow(int n, const QString &note)
{
    return {QStringLiteral("2025-11-03T01:23:%1.000Z").arg(n % 60, 2, 10, QLatin1Char('0')),
            QString::number(3000 + n % 50),
            QStringLiteral("Pupil%1 Example").arg(n % 50),
            QStringLiteral("Minor"),
            QStringLiteral("Disruption"),
            QStringLiteral("Classroom"),
            QString(),
            note,
            QStringLiteral("teacher%1@school.example").arg(n % 5),
            QStringLiteral("5JT"),
            QStringLiteral("Mozilla/5.0"),
            QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 10, QLatin1Char('0'))};
}

QByteArray inlineRow(qint64 row, const QStringList &cells, const QByteArray &extra = QByteArray())
{
    QByteArray xml = "<row r=\"" + QByteArray::number(row) + "\">";
    for (int c = 0; c < cells.size(); ++c)
        if (!cells.at(c).isEmpty())
            xml += inlineCell(c, row, cells.at(c));
    return xml + extra + "</row>";
}

QByteArray csvLine(const QStringList &cells)
{
    return cells.join(QLatin1Char(',')).toUtf8() + "\r\n";
}

struct Expected
{
    bool refused = false;
    QStringList fragments;             // refused: in the message (besides the file name)
    RowCounts counts;                  // imported: the source's counts
};

} // namespace

Q_DECLARE_METATYPE(Expected)

class tst_HostileFiles : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void files_data();
    void files();

private:
    QString writeFile(const QString &kind);
    void checkImported(const QString &kind, const Project &project);

    QTemporaryDir m_dir;
};

void tst_HostileFiles::files_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<Expected>("expected");
    auto refused = [](QStringList fragments) { return Expected{true, std::move(fragments), {}}; };
    auto imported = [](qint64 read, qint64 accepted, qint64 quarantined) {
        RowCounts c;
        c.read = read;
        c.accepted = accepted;
        c.quarantined = quarantined;
        c.headerRows = 1;
        return Expected{false, {}, c};
    };
    // Each data row holds one value, in column XFD: no row is padded to 16,384 cells, and the quarantine keeps
    // no 16,384-cell copies (this file took 7.7 GB at 200,000 rows).
    QTest::newRow("xlsx-rows-with-one-cell-in-XFD") << QStringLiteral("xfd-only") << imported(2000, 0, 2000);
    QTest::newRow("xlsx-valid-rows-plus-a-cell-in-XFD") << QStringLiteral("xfd-extra") << imported(30, 30, 0);
    QTest::newRow("xlsx-inline-cell-over-1M-characters")
        << QStringLiteral("long-inline") << refused({QStringLiteral("row 3, column H"), QStringLiteral("characters")});
    QTest::newRow("xlsx-shared-text-over-1M-characters")
        << QStringLiteral("long-shared")
        << refused({QStringLiteral("shared text number 2"), QStringLiteral("row 2, column H")});
    QTest::newRow("xlsx-shared-text-table-over-budget")
        << QStringLiteral("shared-budget") << refused({QStringLiteral("shared texts"), QStringLiteral("row 2, column H")});
    QTest::newRow("xlsx-one-long-shared-text-in-every-row")
        << QStringLiteral("import-budget") << refused({QStringLiteral("memory"), QStringLiteral(", column H:")});
    QTest::newRow("xlsx-row-number-2^63-1")
        << QStringLiteral("row-max") << refused({QStringLiteral("row 9223372036854775807"), QStringLiteral("no row after")});
    QTest::newRow("xlsx-row-number-beyond-64-bits")
        << QStringLiteral("row-overflow") << refused({QStringLiteral("row 99999999999999999999999")});
    QTest::newRow("xlsx-row-after-1048576")
        << QStringLiteral("row-after-last") << refused({QStringLiteral("row 1048577")});
    QTest::newRow("xlsx-row-1048576-is-read") << QStringLiteral("row-last") << imported(1, 1, 0);
    QTest::newRow("xlsx-_x0000_-kept-literal") << QStringLiteral("x0000") << imported(3, 3, 0);
    QTest::newRow("csv-line-of-2M-commas")
        << QStringLiteral("csv-commas") << refused({QStringLiteral("row 2, column XFE"), QStringLiteral("columns")});
    QTest::newRow("csv-16384-columns-is-read") << QStringLiteral("csv-xfd") << imported(1, 1, 0);
    QTest::newRow("csv-quarantine-keeps-an-excerpt") << QStringLiteral("csv-excerpt") << imported(2, 1, 1);
}

QString tst_HostileFiles::writeFile(const QString &kind)
{
    const bool csv = kind.startsWith(u"csv");
    const QString path = m_dir.filePath(kind + (csv ? QStringLiteral(".csv") : QStringLiteral(".xlsx")));
    const QByteArray header = inlineRow(1, kHeader);
    QByteArray rows;
    QByteArray shared;
    if (kind == u"xfd-only") {
        for (int r = 2; r <= 2001; ++r)
            rows += "<row r=\"" + QByteArray::number(r) + "\">" + inlineCell(kXfd, r, QStringLiteral("x")) + "</row>";
    } else if (kind == u"xfd-extra") {
        for (int r = 2; r <= 31; ++r)
            rows += inlineRow(r, logRow(r, QStringLiteral("note")), inlineCell(kXfd, r, QStringLiteral("far right")));
    } else if (kind == u"long-inline") {
        rows = inlineRow(2, logRow(2, QStringLiteral("ok"))) + inlineRow(3, logRow(3, QString((1 << 20) + 1, u'n')));
    } else if (kind == u"long-shared") {
        shared = "<si><t>ok</t></si><si><t>" + QByteArray((1 << 20) + 1, 'n') + "</t></si>";
        QStringList cells = logRow(2, QString());
        rows = inlineRow(2, cells, sharedCell(kNoteColumn, 2, 1));
    } else if (kind == u"shared-budget") {
        // 3 million empty shared texts: a few kB compressed, 96 MB as a table.
        shared.reserve(3000000 * 5);
        for (int i = 0; i < 3000000; ++i)
            shared += "<si/>";
        rows = inlineRow(2, logRow(2, QString()), sharedCell(kNoteColumn, 2, 0));
    } else if (kind == u"import-budget") {
        // One 1,000,000-character note, stored once, used by every row: 2 MB of memory per row.
        shared = "<si><t>" + QByteArray(1000000, 'n') + "</t></si>";
        for (int r = 2; r <= 300; ++r)
            rows += inlineRow(r, logRow(r, QString()), sharedCell(kNoteColumn, r, 0));
    } else if (kind == u"row-max") {
        rows = inlineRow(2, logRow(2, QStringLiteral("a"))).replace("<row r=\"2\">", "<row r=\"9223372036854775807\">");
    } else if (kind == u"row-overflow") {
        rows = inlineRow(2, logRow(2, QStringLiteral("a"))).replace("<row r=\"2\">", "<row r=\"99999999999999999999999\">");
    } else if (kind == u"row-after-last") {
        rows = inlineRow(1048576, logRow(2, QStringLiteral("a")))
               + inlineRow(1048577, logRow(3, QStringLiteral("b"))).replace("<row r=\"1048577\">", "<row>");
    } else if (kind == u"row-last") {
        rows = inlineRow(1048576, logRow(2, QStringLiteral("a")));
    } else if (kind == u"x0000") {
        shared = "<si><t>shared_x0000_note</t></si>";
        rows = inlineRow(2, logRow(2, QStringLiteral("inline_x0000_note")))
               + inlineRow(3, logRow(3, QString()), sharedCell(kNoteColumn, 3, 0))
               + inlineRow(4, logRow(4, QStringLiteral("tab_x0009_and_x005F_x0000_")));
    } else if (kind == u"csv-commas") {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(csvLine(kHeader));
        f.write(QByteArray(2000000, ','));
        f.write("\r\n");
        return path;
    } else if (kind == u"csv-xfd" || kind == u"csv-excerpt") {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(csvLine(kHeader));
        if (kind == u"csv-xfd") {
            f.write(csvLine(logRow(2, QStringLiteral("note"))).chopped(2) + QByteArray(kXfd - 11, ',') + "far right\r\n");
        } else {
            QStringList valid = logRow(2, QStringLiteral("fine"));
            QStringList bad = logRow(3, QString(1000, u'm'));
            bad[0].clear(); // no timestamp: quarantined
            bad << QString() << QString(10000, u'x') << QStringLiteral("short");
            f.write(csvLine(valid));
            f.write(csvLine(bad));
        }
        return path;
    }
    QString error;
    if (!writeZip(path, workbookParts(header + rows, shared), &error))
        qWarning() << error;
    return path;
}

void tst_HostileFiles::checkImported(const QString &kind, const Project &project)
{
    const QString name = kind + (kind.startsWith(u"csv") ? QStringLiteral(".csv") : QStringLiteral(".xlsx"));
    for (const QuarantinedRow &q : project.quarantine()) {
        QVERIFY2(q.reason.contains(name) && q.reason.contains(QStringLiteral("row %1").arg(q.row)), qPrintable(q.reason));
        QVERIFY(q.cells.size() <= project.sources().front().mapping.keptColumns());
    }
    if (kind == u"xfd-only") {
        for (const QuarantinedRow &q : project.quarantine()) {
            QVERIFY(q.cells.isEmpty());
            QVERIFY2(q.reason.contains(QStringLiteral("1 value(s) to the right of column AB not kept")), qPrintable(q.reason));
        }
    } else if (kind == u"xfd-extra") {
        const QStringList notes = project.sources().front().notes;
        QVERIFY2(notes.join(u'\n').contains(QStringLiteral("30 value(s) to the right of column AB were not read")),
                 qPrintable(notes.join(u'\n')));
    } else if (kind == u"x0000") {
        QStringList got;
        for (const IncidentRecord &r : project.records())
            got << r.note;
        got.sort();
        QCOMPARE(got, (QStringList{QStringLiteral("inline_x0000_note"), QStringLiteral("shared_x0000_note"),
                                   QStringLiteral("tab\tand_x0000_")}));
    } else if (kind == u"csv-excerpt") {
        QCOMPARE(project.quarantine().size(), size_t(1));
        const QStringList cells = project.quarantine().front().cells;
        QCOMPARE(cells.size(), 15);
        QCOMPARE(cells.at(kNoteColumn), QString(1000, u'm')); // a mapped cell is kept whole
        QCOMPARE(cells.at(13).size(), RecordValidator::ExcerptChars);
        QVERIFY(cells.at(13).endsWith(QChar(0x2026)));
        QCOMPARE(cells.at(14), QStringLiteral("short"));
    }
    for (const IncidentRecord &r : project.records())
        for (const QString *s : {&r.note, &r.studentName, &r.device, &r.category})
            QVERIFY(!s->contains(QChar(0)));
}

void tst_HostileFiles::files()
{
    QFETCH(QString, kind);
    QFETCH(Expected, expected);
    const QString path = writeFile(kind);
    QVERIFY(!path.isEmpty());
    Project project = Project::create(SchoolInfo{QStringLiteral("Test School"), QStringLiteral("school.example"),
                                                 QStringLiteral("Australia/Melbourne")});
    Importer importer(project);
    try {
        if (kind.startsWith(u"csv"))
            importer.importCsv(path, RecordType::Incident);
        else
            importer.importWorkbook(path);
        QVERIFY2(!expected.refused, "the file was imported, not refused");
    } catch (const SourceError &e) {
        qInfo().noquote() << e.message(); // what a user would read, for review
        QVERIFY2(expected.refused, qPrintable(e.message()));
        QVERIFY2(e.message().contains(QFileInfo(path).fileName()), qPrintable(e.message()));
        for (const QString &f : expected.fragments)
            QVERIFY2(e.message().contains(f), qPrintable(u"\"%1\" not in: %2"_qs.arg(f, e.message())));
        QVERIFY2(QRegularExpression(QStringLiteral("row \\d+")).match(e.message()).hasMatch(), qPrintable(e.message()));
        QVERIFY2(QRegularExpression(QStringLiteral("column [A-Z]+|row number")).match(e.message()).hasMatch(),
                 qPrintable(e.message()));
        QCOMPARE(QFileInfo(e.file()).absoluteFilePath(), QFileInfo(path).absoluteFilePath());
        QVERIFY(project.sources().empty()); // nothing of a refused file stays in the project
        QVERIFY(project.records().empty());
        return;
    }
    QCOMPARE(project.sources().size(), size_t(1));
    const RowCounts c = project.counts(0);
    QCOMPARE(c.read, expected.counts.read);
    QCOMPARE(c.accepted, expected.counts.accepted);
    QCOMPARE(c.quarantined, expected.counts.quarantined);
    QCOMPARE(c.headerRows, expected.counts.headerRows);
    QVERIFY(c.balanced()); // read = accepted + duplicates + quarantined
    QCOMPARE(qint64(project.quarantine().size()), c.quarantined);
    checkImported(kind, project);
}

QTEST_GUILESS_MAIN(tst_HostileFiles)
#include "tst_hostilefiles.moc"
