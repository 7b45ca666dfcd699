#include "records/deduplicator.h"

#include <QRandomGenerator>
#include <QTest>
#include <QUuid>

#include <map>

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
    void manyRecordsMatchAPlainGrouping();
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

void tst_Deduplicator::manyRecordsMatchAPlainGrouping()
{
    // Canonical uuids are grouped by their 128 bits, anything else by its text: 20,000 records mixing both, with
    // repeats in any order, against the plain definition (same text, groups by their first record).
    QRandomGenerator rng(77);
    std::vector<QString> pool;
    for (int i = 0; i < 6000; ++i) {
        const quint64 a = rng.generate64(), b = rng.generate64();
        QString u = QUuid(uint(a), ushort(a >> 32), ushort(a >> 48), uchar(b), uchar(b >> 8), uchar(b >> 16),
                          uchar(b >> 24), uchar(b >> 32), uchar(b >> 40), uchar(b >> 48), uchar(b >> 56))
                        .toString(QUuid::WithoutBraces);
        if (i % 500 == 0)
            u = u.toUpper(); // not canonical: by text
        if (i % 777 == 0)
            u = u"legacy-%1"_qs.arg(i);
        pool.push_back(u);
    }
    pool.push_back(u"00000000-0000-0000-0000-000000000000"_qs);
    pool.push_back(u"ffffffff-ffff-ffff-ffff-ffffffffffff"_qs);
    // 20,000 records, and 140,000: the keys are read and sorted on two threads from 65,536 on.
    for (const int count : {20000, 140000}) {
        std::vector<IncidentRecord> records;
        for (int i = 0; i < count; ++i) {
            const QString &u = pool[rng.bounded(quint32(pool.size()))];
            IncidentRecord r = rec("", int(rng.bounded(3)), 2 + i, rng.bounded(4) == 0 ? "edited" : "n");
            r.uuid = u;
            records.push_back(r);
        }
        const DedupeResult d = deduplicate(records, {});
        std::map<QString, std::vector<quint32>> byText;
        for (quint32 i = 0; i < records.size(); ++i)
            byText[records[i].uuid].push_back(i);
        std::vector<std::vector<quint32>> expected;
        for (const auto &[text, members] : byText)
            if (members.size() > 1)
                expected.push_back(members);
        std::sort(expected.begin(), expected.end(), [](const auto &a, const auto &b) { return a.front() < b.front(); });
        QCOMPARE(d.groups.size(), expected.size());
        QVERIFY(expected.size() > 1000);
        qint64 duplicates = 0;
        for (size_t g = 0; g < expected.size(); ++g) {
            QCOMPARE(d.groups[g].uuid, records[expected[g].front()].uuid);
            std::vector<quint32> got = d.groups[g].members;
            std::sort(got.begin(), got.end());
            QCOMPARE(got, expected[g]);
            duplicates += qint64(expected[g].size()) - 1;
            for (quint32 m : d.groups[g].members)
                QCOMPARE(d.status[m] == RecordStatus::Accepted, m == d.groups[g].chosen);
        }
        QCOMPARE(d.identical + d.conflicting, duplicates);
    }
}

QTEST_GUILESS_MAIN(tst_Deduplicator)
#include "tst_deduplicator.moc"
