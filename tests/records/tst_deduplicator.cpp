#include "records/deduplicator.h"

#include <QTest>

using namespace tt;

static IncidentRecord rec(const char *uuid, int source, qint64 row, const char *note = "n")
{
    IncidentRecord r;
    r.uuid = QString::fromLatin1(uuid);
    r.timestampMs = 1000;
    r.studentName = u"Mia Tan"_qs;
    r.teacherEmail = u"a@b.c"_qs;
    r.note = QString::fromLatin1(note);
    r.sourceIndex = source;
    r.sourceRow = row;
    return r;
}

class tst_Deduplicator : public QObject
{
    Q_OBJECT
private slots:
    void groups_data();
    void groups();
    void choiceIsHonoured();
};

void tst_Deduplicator::groups_data()
{
    QTest::addColumn<int>("identical");
    QTest::addColumn<int>("conflicting");
    QTest::addColumn<int>("accepted");
    QTest::addColumn<int>("groups");
    QTest::addColumn<QString>("chosenNote");
    QTest::newRow("unique") << 0 << 0 << 3 << 0 << QString();
    QTest::newRow("identical-retry") << 1 << 0 << 3 << 1 << u"n"_qs;
    QTest::newRow("edited-copy") << 0 << 1 << 3 << 1 << u"edited"_qs;
    // Two copies of the original and a later edit: both originals differ from the chosen edit.
    QTest::newRow("triple-mixed") << 0 << 2 << 3 << 1 << u"edited"_qs;
}

void tst_Deduplicator::groups()
{
    QFETCH(int, identical);
    QFETCH(int, conflicting);
    QFETCH(int, accepted);
    QFETCH(int, groups);
    QFETCH(QString, chosenNote);
    std::vector<IncidentRecord> records{rec("u1", 0, 2), rec("u2", 0, 3), rec("u3", 0, 4)};
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    if (tag == u"identical-retry")
        records.push_back(rec("u2", 0, 9));
    if (tag == u"edited-copy")
        records.push_back(rec("u2", 0, 9, "edited"));
    if (tag == u"triple-mixed") {
        records.push_back(rec("u2", 1, 5, "n"));
        records.insert(records.begin(), rec("u2", 1, 8, "edited")); // later in the sheet order, earlier in the vector
    }
    const DedupeResult d = deduplicate(records, {});
    QCOMPARE(d.identical, identical);
    QCOMPARE(d.conflicting, conflicting);
    QCOMPARE(d.accepted, accepted);
    QCOMPARE(int(d.groups.size()), groups);
    QCOMPARE(d.accepted + d.identical + d.conflicting, qint64(records.size()));
    if (groups) {
        QCOMPARE(records[d.groups.front().chosen].note, chosenNote);
        QCOMPARE(d.groups.front().conflicting, conflicting > 0);
    }
}

void tst_Deduplicator::choiceIsHonoured()
{
    std::vector<IncidentRecord> records{rec("u1", 0, 2, "first"), rec("u1", 0, 9, "second")};
    QCOMPARE(records[deduplicate(records, {}).groups.front().chosen].note, u"second"_qs);
    QHash<QString, RecordKey> choices{{u"u1"_qs, RecordKey{0, 2}}};
    const DedupeResult d = deduplicate(records, choices);
    QCOMPARE(records[d.groups.front().chosen].note, u"first"_qs);
    QVERIFY(d.groups.front().chosenByUser);
    QCOMPARE(d.status[0], RecordStatus::Accepted);
    QCOMPARE(d.status[1], RecordStatus::DuplicateConflicting);
}

QTEST_GUILESS_MAIN(tst_Deduplicator)
#include "tst_deduplicator.moc"
