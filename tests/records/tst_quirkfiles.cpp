// One small hand-written file per quirk (tests/data/records, see its README), imported for real.
#include "common/errors.h"
#include "project/project.h"
#include "import/importer.h"

#include <QTest>

using namespace tt;

class tst_QuirkFiles : public QObject
{
    Q_OBJECT
private slots:
    void file_data();
    void file();
    void wrongColumnsIsRefused();
};

void tst_QuirkFiles::file_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QList<qint64>>("counts"); // read, accepted, identical, conflicting, quarantined, blank, header
    QTest::addColumn<QStringList>("quarantined"); // "row:field"
    QTest::addColumn<QStringList>("checks");      // "row:field=value" on accepted records
    auto row = [](const char *file, QList<qint64> c, QStringList q = {}, QStringList checks = {}) {
        QTest::newRow(file) << QString::fromLatin1(file) << c << q << checks;
    };
    row("header_absent.csv", {4, 4, 0, 0, 0, 0, 0});
    row("header_titlecase.csv", {4, 4, 0, 0, 0, 0, 1});
    row("locale_dates_dmy.csv", {5, 5, 0, 0, 0, 0, 1}, {}, {u"2:timestamp=1741130102000"_qs, u"4:timestamp=1761170700000"_qs});
    row("locale_dates_mdy.csv", {5, 5, 0, 0, 0, 0, 1}, {}, {u"2:timestamp=1741130102000"_qs, u"3:timestamp=1761170700000"_qs});
    row("locale_dates_ambiguous.csv", {4, 4, 0, 0, 0, 0, 1}, {}, {u"2:timestamp=1746231302000"_qs});
    row("number_ids.csv", {5, 5, 0, 0, 0, 0, 1});
    row("duplicate_identical.csv", {6, 4, 2, 0, 0, 0, 1});
    row("duplicate_conflicting.csv", {6, 3, 1, 2, 0, 0, 1});
    row("blank_rows.csv", {3, 3, 0, 0, 0, 3, 1});
    row("missing_uuid.csv", {4, 4, 0, 0, 0, 0, 1});
    row("upper_email_spaces.csv", {3, 3, 0, 0, 0, 0, 1}, {}, {u"3:studentName=Mia Van der Berg"_qs, u"2:teacherEmail=jessica.tan@wattlegrove.example.edu.au"_qs, u"4:category=Tech misuse"_qs, u"4:studentId=512"_qs});
    row("extra_columns.csv", {4, 4, 0, 0, 0, 0, 1});
    row("formula_notes.csv", {4, 4, 0, 0, 0, 0, 1});
    row("spreadsheet_errors.csv", {6, 3, 0, 0, 3, 0, 1},
        {u"4:studentName"_qs, u"5:timestamp"_qs, u"6:teacherEmail"_qs},
        {u"2:note="_qs, u"3:actionTaken="_qs, u"7:device="_qs});
    row("multiline_notes.csv", {3, 3, 0, 0, 0, 0, 1});
    row("semicolon_delimiter.csv", {4, 4, 0, 0, 0, 0, 1});
    row("bad_timestamps.csv", {5, 1, 0, 0, 4, 0, 1}, {u"2:timestamp"_qs, u"3:timestamp"_qs, u"4:timestamp"_qs, u"6:timestamp"_qs});
    row("malformed_uuid.csv", {4, 1, 0, 0, 3, 0, 1}, {u"2:uuid"_qs, u"4:uuid"_qs, u"5:uuid"_qs});
    row("utf16_bom.csv", {3, 3, 0, 0, 0, 0, 1});
    row("iso_offsets.csv", {4, 4, 0, 0, 0, 0, 1});
}

void tst_QuirkFiles::file()
{
    QFETCH(QString, name);
    QFETCH(QList<qint64>, counts);
    QFETCH(QStringList, quarantined);
    QFETCH(QStringList, checks);
    const QString path = qEnvironmentVariable("TT_SOURCE_DIR") + u"/tests/data/records/"_qs + name;
    Project project = Project::create(SchoolInfo{u"Wattle Grove Primary"_qs, u"wattlegrove.example.edu.au"_qs, u"Australia/Melbourne"_qs});
    Importer(project).importCsv(path, RecordType::Incident);
    const RowCounts c = project.counts();
    const QList<qint64> got{c.read, c.accepted, c.duplicatesIdentical, c.duplicatesConflicting, c.quarantined, c.blank, c.headerRows};
    QCOMPARE(got, counts);
    QVERIFY(c.balanced());
    QStringList gotQuarantine;
    for (const QuarantinedRow &q : project.quarantine()) {
        gotQuarantine << u"%1:%2"_qs.arg(q.row).arg(q.field);
        QVERIFY2(q.reason.startsWith(name + u" row "_qs), qPrintable(q.reason));
    }
    QCOMPARE(gotQuarantine, quarantined);
    for (const QString &check : checks) {
        const qsizetype colon = check.indexOf(u':'), eq = check.indexOf(u'=');
        const qint64 rowNo = check.left(colon).toLongLong();
        Field f;
        QVERIFY(fieldFromKey(check.mid(colon + 1, eq - colon - 1), &f));
        const QString expected = check.mid(eq + 1);
        auto it = std::find_if(project.records().begin(), project.records().end(),
                               [&](const IncidentRecord &r) { return r.sourceRow == rowNo; });
        QVERIFY2(it != project.records().end(), qPrintable(check));
        QCOMPARE(it->value(f), expected);
    }
}

void tst_QuirkFiles::wrongColumnsIsRefused()
{
    const QString path = qEnvironmentVariable("TT_SOURCE_DIR") + u"/tests/data/records/wrong_columns.csv"_qs;
    Project project = Project::create(SchoolInfo{u"S"_qs, u"s.example"_qs, u"Australia/Melbourne"_qs});
    try {
        Importer(project).importCsv(path, RecordType::Incident);
        QFAIL("a price list was imported as incidents");
    } catch (const SourceError &e) {
        QVERIFY2(e.message().contains(u"wrong_columns.csv"_qs), qPrintable(e.message()));
    }
    QCOMPARE(project.sources().size(), size_t(0));
    QCOMPARE(project.records().size(), size_t(0));
}

QTEST_GUILESS_MAIN(tst_QuirkFiles)
#include "tst_quirkfiles.moc"
