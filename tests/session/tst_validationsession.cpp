// ValidationSession: the Validate step without widgets — the accounting, fixing quarantined cells, keeping
// a version of a conflicting duplicate, exporting the quarantine through core's CSV writer.
#include "common/errors.h"
#include "import/importer.h"
#include "report/jsonreport.h"
#include "session/readiness.h"
#include "session/recoverysession.h"
#include "session/validationsession.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace tt;
using namespace Qt::StringLiterals;

class tst_ValidationSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void countsBalance();
    void fixQuarantinedCell_data();
    void fixQuarantinedCell();
    void fixSurvivesReimport();
    void chooseDuplicate_data();
    void chooseDuplicate();
    void exportQuarantine();
    void dismissQuarantined_data();
    void dismissQuarantined();
    void dismissingEveryRowClearsTheReadinessWarning();
    void dismissalSurvivesReimport();
    void nothingWithoutAProject();

private:
    int quarantineIndexOfRow(qint64 row) const;
    QString m_data;
    QTemporaryDir m_dir;
    std::unique_ptr<RecoverySession> m_session;
    std::unique_ptr<ValidationSession> m_validation;
};

void tst_ValidationSession::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_data = qEnvironmentVariable("TT_SOURCE_DIR") + u"/tests/data/records/"_s;
    QVERIFY2(QFile::exists(m_data + u"bad_timestamps.csv"_s), qPrintable(m_data));
}

void tst_ValidationSession::init()
{
    static int n = 0;
    m_session = std::make_unique<RecoverySession>();
    m_validation = std::make_unique<ValidationSession>(m_session.get());
    m_session->newProject(m_dir.filePath(u"p%1.ttproj"_s.arg(++n)),
                          SchoolInfo{u"Test Primary"_s, u"test.example"_s, u"Australia/Melbourne"_s});
    Importer importer(m_session->editableProject());
    importer.importCsv(m_data + u"bad_timestamps.csv"_s, RecordType::Incident);
    importer.importCsv(m_data + u"duplicate_conflicting.csv"_s, RecordType::Commendation);
    m_session->markRecordsChanged();
}

void tst_ValidationSession::cleanup()
{
    m_validation.reset();
    m_session.reset();
}

int tst_ValidationSession::quarantineIndexOfRow(qint64 row) const
{
    const auto &q = m_session->project().quarantine();
    for (size_t i = 0; i < q.size(); ++i)
        if (q[i].row == row && m_session->project().sources()[size_t(q[i].sourceIndex)].path.endsWith(u"bad_timestamps.csv"))
            return int(i);
    return -1;
}

void tst_ValidationSession::countsBalance()
{
    const RowCounts c = m_validation->counts();
    QVERIFY(c.balanced());
    QCOMPARE(c.quarantined, m_session->project().counts().quarantined);
    QVERIFY(c.quarantined >= 3); // TBC, "next tuesday", an empty timestamp, 31 February
    QCOMPARE(m_validation->conflictingGroups(), 2); // 0b6f3c1e… (the note) and 1c7a4d2f… (the category)
    QVERIFY(m_validation->attention().contains(QString::number(c.quarantined)));
}

void tst_ValidationSession::fixQuarantinedCell_data()
{
    QTest::addColumn<qint64>("row");    // the row as the administrator sees it in bad_timestamps.csv
    QTest::addColumn<QString>("value"); // typed into the timestamp cell
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("ISO instant") << qint64(2) << u"2025-03-04T23:15:02.123Z"_s << true << u"Row accepted"_s;
    QTest::newRow("local date") << qint64(3) << u"5/3/2025 10:15:00"_s << true << u"Row accepted"_s;
    QTest::newRow("still not a date") << qint64(2) << u"sometime"_s << false << u"Still quarantined"_s;
    QTest::newRow("impossible date") << qint64(6) << u"30/02/2025 10:00:00"_s << false << u"Still quarantined"_s;
}

void tst_ValidationSession::fixQuarantinedCell()
{
    QFETCH(qint64, row);
    QFETCH(QString, value);
    QFETCH(bool, accepted);
    QFETCH(QString, messagePart);
    const RowCounts before = m_validation->counts();
    const int index = quarantineIndexOfRow(row);
    QVERIFY2(index >= 0, "the row is not quarantined");
    QSignalSpy counts(m_validation.get(), &ValidationSession::countsChanged);
    const ValidationSession::FixResult fix = m_validation->fixQuarantinedCell(index, 0, value);
    QVERIFY(fix.changed);
    QCOMPARE(fix.accepted, accepted);
    QVERIFY2(fix.message.contains(messagePart), qPrintable(fix.message));
    QTRY_VERIFY(counts.count() >= 1); // the views hear of it once the call has returned
    const RowCounts after = m_validation->counts();
    QVERIFY(after.balanced());
    QCOMPARE(after.read, before.read);
    QCOMPARE(after.quarantined, before.quarantined - (accepted ? 1 : 0));
    // an accepted row joins the records: accepted, or a duplicate (these quirk files share uuids)
    QCOMPARE(after.accepted + after.duplicatesIdentical + after.duplicatesConflicting,
             before.accepted + before.duplicatesIdentical + before.duplicatesConflicting + (accepted ? 1 : 0));
    // the same value again changes nothing
    if (!accepted)
        QVERIFY(!m_validation->fixQuarantinedCell(quarantineIndexOfRow(row), 0, value).changed);
}

void tst_ValidationSession::fixSurvivesReimport()
{
    const int index = quarantineIndexOfRow(2);
    QVERIFY(index >= 0);
    QVERIFY(m_validation->fixQuarantinedCell(index, 0, u"2025-03-04T23:15:02.123Z"_s).accepted);
    const qint64 accepted = m_validation->counts().accepted;
    Importer(m_session->editableProject()).reimport(0);
    m_session->markRecordsChanged();
    QCOMPARE(m_validation->counts().accepted, accepted); // the edit is kept and applied again
    QCOMPARE(quarantineIndexOfRow(2), -1);
}

void tst_ValidationSession::chooseDuplicate_data()
{
    QTest::addColumn<bool>("knownVersion");
    QTest::newRow("the earlier version") << true;
    QTest::newRow("a row that is not in the group") << false;
}

void tst_ValidationSession::chooseDuplicate()
{
    QFETCH(bool, knownVersion);
    const Project &p = m_session->project();
    const DuplicateGroup *group = nullptr;
    for (const DuplicateGroup &g : p.dedupe().groups)
        if (g.conflicting)
            group = &g;
    QVERIFY(group);
    const QString uuid = group->uuid;
    const quint32 other = group->members.front() == group->chosen ? group->members.back() : group->members.front();
    const IncidentRecord &r = p.records()[other];
    const RecordKey key{r.sourceIndex, knownVersion ? r.sourceRow : r.sourceRow + 1000};
    const RecordKey otherKey{r.sourceIndex, r.sourceRow};
    QCOMPARE(m_validation->chooseDuplicate(uuid, key), knownVersion);
    bool found = false;
    for (const IncidentRecord &a : p.acceptedRecords())
        if (a.uuid == uuid) {
            found = true;
            QCOMPARE((RecordKey{a.sourceIndex, a.sourceRow} == otherKey), knownVersion);
        }
    QVERIFY(found);
    QVERIFY(m_validation->counts().balanced());
}

void tst_ValidationSession::exportQuarantine()
{
    const QString path = m_dir.filePath(u"export/quarantine.csv"_s);
    const qint64 rows = m_validation->exportQuarantine(path);
    QCOMPARE(rows, m_validation->counts().quarantined);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    QVERIFY2(text.contains(u"source,row,field,reason,cell1"_s) && text.indexOf(u"source"_s) <= 1, qPrintable(text.left(80))); // the columns of report --csv-dir
    QVERIFY(text.contains(u"bad_timestamps.csv,2,timestamp,"_s));
    QCOMPARE(text.count(u"\r\n"_s), int(rows) + 1);
    // a folder that cannot be created: a clear error naming it
    const QString blocked = m_dir.filePath(u"export/quarantine.csv/inside.csv"_s);
    QVERIFY_THROWS_EXCEPTION(UserError, m_validation->exportQuarantine(blocked));
}

void tst_ValidationSession::dismissQuarantined_data()
{
    QTest::addColumn<qint64>("row");     // the row of bad_timestamps.csv; 0: an index past the quarantine
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("dismissed");
    QTest::newRow("with a reason") << qint64(2) << u"a test entry typed by hand"_s << true;
    QTest::newRow("reason trimmed") << qint64(3) << u"  duplicate of row 4  "_s << true;
    QTest::newRow("no reason") << qint64(2) << QString() << false;
    QTest::newRow("only spaces") << qint64(2) << u"   "_s << false;
    QTest::newRow("no such row") << qint64(0) << u"gone"_s << false;
}

// A dismissal is recorded in the project, counted (report: rows.dismissed, the row's "dismissed"), leaves every
// other count alone, and is undone by restoreQuarantined.
void tst_ValidationSession::dismissQuarantined()
{
    QFETCH(qint64, row);
    QFETCH(QString, reason);
    QFETCH(bool, dismissed);
    const RowCounts before = m_validation->counts();
    const int index = row > 0 ? quarantineIndexOfRow(row) : int(before.quarantined) + 5;
    QVERIFY(row == 0 || index >= 0);
    QSignalSpy counts(m_validation.get(), &ValidationSession::countsChanged);
    QCOMPARE(m_validation->dismissQuarantined(index, reason), dismissed);
    QCOMPARE(m_validation->dismissed(), qint64(dismissed ? 1 : 0));
    QCOMPARE(m_validation->dismissalReason(index), dismissed ? reason.trimmed() : QString());
    QCOMPARE(counts.count(), dismissed ? 1 : 0);
    const RowCounts after = m_validation->counts();
    QCOMPARE(after.quarantined, before.quarantined); // the row stays quarantined and counted
    QCOMPARE(after.accepted, before.accepted);
    QVERIFY(after.balanced());
    QCOMPARE(m_validation->undecided(), before.quarantined - (dismissed ? 1 : 0));
    const nlohmann::json report = buildJsonReport(m_session->project(), nullptr);
    QCOMPARE(report["rows"]["dismissed"].get<qint64>(), qint64(dismissed ? 1 : 0));
    if (!dismissed)
        return;
    QCOMPARE(QString::fromStdString(report["quarantine"][size_t(index)]["dismissed"].get<std::string>()), reason.trimmed());
    QVERIFY(!m_validation->dismissQuarantined(index, u"again"_s)); // dismissed already
    // kept in the project file
    QVERIFY(m_session->saveNow());
    const Project reloaded = Project::load(m_session->projectPath());
    QCOMPARE(buildJsonReport(reloaded, nullptr)["rows"]["dismissed"].get<qint64>(), qint64(1));
    // undo
    QVERIFY(m_validation->restoreQuarantined(index));
    QCOMPARE(m_validation->dismissed(), qint64(0));
    QVERIFY(m_validation->dismissalReason(index).isEmpty());
    QVERIFY(!m_validation->restoreQuarantined(index)); // nothing left to undo
    QVERIFY(buildJsonReport(m_session->project(), nullptr)["quarantine"][size_t(index)]["dismissed"].is_null());
}

void tst_ValidationSession::dismissingEveryRowClearsTheReadinessWarning()
{
    const Roster roster;
    const RosterDecisions decisions;
    QStringList wrong; // items that lead to a dismissed row, or say something else
    const auto quarantineItems = [&]() -> int {
        ReadinessInput in;
        in.project = &m_session->project();
        in.roster = &roster;
        in.decisions = &decisions;
        int n = 0;
        for (const ReadinessItem &i : Readiness::assess(in))
            if (i.kind == u"quarantined"_s) {
                ++n;
                // the row it leads to is one still to fix or dismiss
                if (!m_validation->dismissalReason(i.row.toInt()).isEmpty() || !i.detail.contains(u"neither fixed nor dismissed"_s))
                    wrong << i.row + u": "_s + i.detail;
            }
        return n;
    };
    QVERIFY(quarantineItems() >= 1); // one item per source with quarantined rows
    QVERIFY(!m_validation->attention().isEmpty());
    const qint64 rows = m_validation->quarantined();
    for (int i = 0; i < int(rows); ++i) {
        QVERIFY(quarantineItems() >= 1); // until the last one
        QVERIFY(m_validation->dismissQuarantined(i, u"not a log: row %1"_s.arg(i)));
    }
    QCOMPARE(m_validation->dismissed(), rows);
    QCOMPARE(quarantineItems(), 0);
    QVERIFY(m_validation->attention().isEmpty());
    QVERIFY(m_validation->restoreQuarantined(0));
    QCOMPARE(quarantineItems(), 1);
    QVERIFY(!m_validation->attention().isEmpty());
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
}

void tst_ValidationSession::dismissalSurvivesReimport()
{
    const int index = quarantineIndexOfRow(3);
    QVERIFY(m_validation->dismissQuarantined(index, u"typed by hand"_s));
    Importer(m_session->editableProject()).reimport(0);
    m_session->markRecordsChanged();
    QCOMPARE(m_validation->dismissed(), qint64(1));
    QCOMPARE(m_validation->dismissalReason(quarantineIndexOfRow(3)), u"typed by hand"_s);
}

void tst_ValidationSession::nothingWithoutAProject()
{
    RecoverySession empty;
    ValidationSession v(&empty);
    QCOMPARE(v.counts().read, 0);
    QCOMPARE(v.conflictingGroups(), 0);
    QVERIFY(v.attention().isEmpty());
    QVERIFY(!v.fixQuarantinedCell(0, 0, u"x"_s).changed);
    QVERIFY(!v.chooseDuplicate(u"u"_s, RecordKey{0, 2}));
    QVERIFY(!v.dismissQuarantined(0, u"x"_s));
    QVERIFY(!v.restoreQuarantined(0));
    QCOMPARE(v.dismissed(), qint64(0));
    QVERIFY_THROWS_EXCEPTION(UserError, v.exportQuarantine(m_dir.filePath(u"none.csv"_s)));
}

QTEST_GUILESS_MAIN(tst_ValidationSession)
#include "tst_validationsession.moc"
