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
    void onlyEqualTextIsTheSameUuid();
    void sameFingerprintOtherUuid();
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
        if (i % 3 == 1)
            u.replace(0, 9, u"00000000-"_qs); // a third share their top bits: one large bucket of the key sort
        if (i % 500 == 0)
            u = u.toUpper(); // not canonical: by text
        if (i % 777 == 0)
            u = u"legacy-%1"_qs.arg(i);
        pool.push_back(u);
    }
    pool.push_back(u"00000000-0000-0000-0000-000000000000"_qs);
    pool.push_back(u"ffffffff-ffff-ffff-ffff-ffffffffffff"_qs);
    // 3,000 records (keys sorted as they are), 20,000 and 140,000 (bucketed by their top bits first; read on
    // two threads from 65,536 on).
    for (const int count : {3000, 20000, 140000}) {
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
        QVERIFY(expected.size() > size_t(std::min(count / 20, 1000)));
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

// The 128-bit keys stand for the text: a uuid in capitals, with a stray character or with a digit beyond ASCII
// is not the same uuid as its canonical twin, and every digit counts.
void tst_Deduplicator::onlyEqualTextIsTheSameUuid()
{
    const QString canonical = u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d10"_qs;
    QStringList variants{canonical.toUpper(), u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1g"_qs,
                         u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1\uff10"_qs, u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1\u0130"_qs,
                         u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1:"_qs, u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1/"_qs,
                         u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1`"_qs, u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1\u0130"_qs};
    for (int i = 0; i < 36; ++i) { // each position changed alone
        if (i == 8 || i == 13 || i == 18 || i == 23)
            continue;
        QString v = canonical;
        v[i] = v[i] == u'0' ? u'f' : u'0';
        variants << v;
    }
    // Enough records for the bucketed sort: each variant after its canonical twin, among unique fillers.
    std::vector<IncidentRecord> records;
    for (int i = 0; i < 5000; ++i) {
        IncidentRecord r = rec("", 0, 2 + i);
        r.uuid = QUuid::createUuidV5(QUuid(), QByteArray::number(i)).toString(QUuid::WithoutBraces);
        records.push_back(r);
    }
    records.push_back(rec("", 0, 9000));
    records.back().uuid = canonical;
    for (const QString &v : variants) {
        records.push_back(rec("", 0, qint64(9001 + records.size())));
        records.back().uuid = v;
    }
    const DedupeResult d = deduplicate(records, {});
    // the one repeat: the two "...\u0130" variants, by text
    QCOMPARE(int(d.groups.size()), 1);
    QCOMPARE(d.groups.front().uuid, u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1\u0130"_qs);
    QCOMPARE(d.identical + d.conflicting, 1);
}

// Canonical uuids are sorted by a 64-bit fingerprint (the XOR of their two halves): different uuids that share
// one (made up, as here, or by chance) are still told apart by their text, each group linked in index order.
void tst_Deduplicator::sameFingerprintOtherUuid()
{
    auto uuidOf = [](quint64 hi, quint64 lo) {
        const QString h = QString::number(hi, 16).rightJustified(16, u'0');
        const QString l = QString::number(lo, 16).rightJustified(16, u'0');
        return h.left(8) + u'-' + h.mid(8, 4) + u'-' + h.mid(12, 4) + u'-' + l.left(4) + u'-' + l.mid(4);
    };
    QRandomGenerator rng(99);
    std::vector<QString> pool;
    for (int i = 0; i < 1500; ++i) {
        const quint64 r = rng.generate64();
        pool.push_back(uuidOf(r, r));             // all 1,500 share the fingerprint 0
        pool.push_back(uuidOf(r ^ 1, r));         // and these share 1
        pool.push_back(uuidOf(rng.generate64(), rng.generate64()));
    }
    pool.push_back(uuidOf(1, 0));
    pool.push_back(uuidOf(0, 1));
    std::vector<IncidentRecord> records;
    for (int i = 0; i < 12000; ++i) {
        IncidentRecord r = rec("", 0, 2 + i);
        r.uuid = pool[rng.bounded(quint32(pool.size()))];
        records.push_back(r);
    }
    for (const QString &u : {uuidOf(1, 0), uuidOf(0, 1), uuidOf(1, 0), uuidOf(0, 1)}) {
        records.push_back(rec("", 0, qint64(2 + records.size())));
        records.back().uuid = u;
    }
    const DedupeResult d = deduplicate(records, {});
    std::map<QString, std::vector<quint32>> byText;
    for (quint32 i = 0; i < records.size(); ++i)
        byText[records[i].uuid].push_back(i);
    std::map<quint32, std::vector<quint32>> expected; // by first member
    for (const auto &[text, members] : byText)
        if (members.size() > 1)
            expected[members.front()] = members;
    QCOMPARE(d.groups.size(), expected.size());
    QVERIFY(expected.size() > 2000);
    for (const DuplicateGroup &g : d.groups) {
        std::vector<quint32> got = g.members;
        std::sort(got.begin(), got.end());
        QVERIFY(expected.count(got.front()));
        QCOMPARE(got, expected[got.front()]);
        for (quint32 m : got)
            QCOMPARE(records[m].uuid, g.uuid);
    }
}

QTEST_GUILESS_MAIN(tst_Deduplicator)
#include "tst_deduplicator.moc"
