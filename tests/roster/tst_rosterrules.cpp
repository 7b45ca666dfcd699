// The roster rules (core/roster/rosterrules.h) as tables, each with its negative cases: two real children must
// never be made one, and what the evidence cannot settle stays a question.
#include "roster/rosterrules.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

constexpr qint64 kDay = 24LL * 3600 * 1000;
const qint64 kStart = QDateTime(QDate(2025, 2, 3), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

// "id|name:logs,name:logs|class:fromDay-toDay:logs,...|L" (L: on the school's list, then listName after '=')
rules::IdEvidence ev(const QString &spec)
{
    const QStringList parts = spec.split(u'|');
    rules::IdEvidence e;
    e.id = parts.value(0);
    for (const QString &n : parts.value(1).split(u',', Qt::SkipEmptyParts)) {
        e.names.push_back(rules::SpellingCount{n.section(u':', 0, 0), n.section(u':', 1).toInt()});
        e.logs += e.names.back().logs;
    }
    for (const QString &c : parts.value(2).split(u',', Qt::SkipEmptyParts)) {
        const QString days = c.section(u':', 1, 1);
        rules::ClassSpan span;
        span.classKey = c.section(u':', 0, 0).toCaseFolded();
        span.code = c.section(u':', 0, 0);
        span.firstMs = kStart + days.section(u'-', 0, 0).toLongLong() * kDay;
        span.lastMs = kStart + days.section(u'-', 1, 1).toLongLong() * kDay;
        span.logs = c.section(u':', 2, 2).toInt();
        e.classes.push_back(span);
    }
    if (parts.value(3).startsWith(u'L')) {
        e.onSchoolList = true;
        e.listName = parts.value(3).section(u'=', 1);
    }
    return e;
}

std::vector<rules::IdEvidence> evs(const QStringList &specs)
{
    std::vector<rules::IdEvidence> out;
    for (const QString &s : specs)
        out.push_back(ev(s));
    return out;
}

} // namespace

class tst_RosterRules : public QObject
{
    Q_OBJECT
private slots:
    void strippedId_data();
    void strippedId();
    void editDistance_data();
    void editDistance();
    void sameNameLoosely_data();
    void sameNameLoosely();
    void classesConsistent_data();
    void classesConsistent();
    void leadingZeroTwins_data();
    void leadingZeroTwins();
    void majoritySpelling_data();
    void majoritySpelling();
    void namesakes_data();
    void namesakes();
};

void tst_RosterRules::strippedId_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("stripped");
    QTest::newRow("one zero") << u"0421"_s << u"421"_s;
    QTest::newRow("two zeros") << u"00421"_s << u"421"_s;
    QTest::newRow("no zero") << u"3430"_s << u"3430"_s;
    QTest::newRow("zero alone stays") << u"0"_s << u"0"_s;
    QTest::newRow("all zeros keep one") << u"000"_s << u"0"_s;
    QTest::newRow("letters: never stripped") << u"0A21"_s << u"0A21"_s;
}

void tst_RosterRules::strippedId()
{
    QFETCH(QString, id);
    QFETCH(QString, stripped);
    QCOMPARE(rules::strippedId(id), stripped);
}

void tst_RosterRules::editDistance_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("distance");
    QTest::newRow("equal") << u"smith"_s << u"smith"_s << 0;
    QTest::newRow("substitution") << u"smith"_s << u"smyth"_s << 1;
    QTest::newRow("transposition is one") << u"smith"_s << u"smtih"_s << 1;
    QTest::newRow("insertion") << u"jon"_s << u"john"_s << 1;
    QTest::newRow("deletion") << u"olivia"_s << u"olvia"_s << 1;
    QTest::newRow("two edits") << u"mia chen"_s << u"max chen"_s << 2;
    QTest::newRow("far: capped at limit+1") << u"ava"_s << u"zoe lee"_s << 3;
    QTest::newRow("empty") << QString() << u"ab"_s << 2;
}

void tst_RosterRules::editDistance()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, distance);
    QCOMPARE(rules::editDistance(a, b, 2), distance);
    QCOMPARE(rules::editDistance(b, a, 2), distance);
}

void tst_RosterRules::sameNameLoosely_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");
    QTest::newRow("case") << u"Mia Chen"_s << u"MIA CHEN"_s << true;
    QTest::newRow("spacing") << u"Mia  Chen "_s << u"Mia Chen"_s << true;
    QTest::newRow("diacritics") << u"Zoë Smith"_s << u"Zoe Smith"_s << true;
    QTest::newRow("one letter typo") << u"Olivia Smith"_s << u"Olivia Smtih"_s << true;
    QTest::newRow("one letter, long enough") << u"Mia Chen"_s << u"Mia Chan"_s << true;
    QTest::newRow("NEG two letters") << u"Mia Chen"_s << u"Max Chen"_s << false;
    QTest::newRow("NEG other surname") << u"Mia Chen"_s << u"Mia Brown"_s << false;
    QTest::newRow("NEG short names one edit") << u"Al Li"_s << u"Al Lu"_s << false;
    QTest::newRow("NEG six letters one edit") << u"Ana Li"_s << u"Ava Li"_s << false;
    QTest::newRow("NEG empty") << QString() << u"Mia Chen"_s << false;
}

void tst_RosterRules::sameNameLoosely()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    QCOMPARE(rules::sameNameLoosely(a, b), same);
}

void tst_RosterRules::classesConsistent_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("consistent");
    QTest::newRow("same class") << u"1|Mia Chen:3|5A:0-100:3"_s << u"01|Mia Chen:9|5A:10-200:9"_s << true;
    QTest::newRow("no classes") << u"1|Mia Chen:3|"_s << u"01|Mia Chen:9|5A:10-200:9"_s << true;
    QTest::newRow("a move, one id each side") << u"1|Mia Chen:3|5A:0-60:3"_s << u"01|Mia Chen:9|5B:62-200:9"_s
                                              << true;
    QTest::newRow("a move, one id saw both") << u"1|Mia Chen:3|5A:0-100:3"_s
                                             << u"01|Mia Chen:9|5A:0-50:4,5B:51-200:5"_s << true;
    QTest::newRow("short overlap at a move") << u"1|Mia Chen:3|5A:0-63:3"_s << u"01|Mia Chen:9|5B:60-200:9"_s
                                             << true;
    QTest::newRow("NEG two classes at once") << u"1|Mia Chen:3|5A:0-100:3"_s << u"01|Mia Chen:9|3C:10-200:9"_s
                                             << false;
}

void tst_RosterRules::classesConsistent()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, consistent);
    QCOMPARE(rules::classesConsistent(ev(a), ev(b)), consistent);
    QCOMPARE(rules::classesConsistent(ev(b), ev(a)), consistent);
}

void tst_RosterRules::leadingZeroTwins_data()
{
    QTest::addColumn<QStringList>("ids");
    QTest::addColumn<QStringList>("keepApart");
    QTest::addColumn<QStringList>("merges"); // "from>into"
    QTest::addColumn<int>("questions");
    QTest::newRow("logs only: into the form with zeros")
        << QStringList{u"421|Tama Ngata:3|2A:0-50:3"_s, u"0421|Tama Ngata:9|2A:0-200:9"_s} << QStringList{}
        << QStringList{u"421>0421"_s} << 0;
    QTest::newRow("logs only: the damaged form has most logs")
        << QStringList{u"421|Tama Ngata:30|2A:0-200:30"_s, u"0421|Tama Ngata:2|2A:0-20:2"_s} << QStringList{}
        << QStringList{u"421>0421"_s} << 0;
    QTest::newRow("case and typo in the name")
        << QStringList{u"317|MIA CHNE:2|5B:0-50:2"_s, u"0317|Mia Chen:9|5B:0-200:9"_s} << QStringList{}
        << QStringList{u"317>0317"_s} << 0;
    QTest::newRow("a move between the forms")
        << QStringList{u"317|Mia Chen:4|5A:0-80:4"_s, u"0317|Mia Chen:9|5A:5-85:4,5B:86-200:5"_s} << QStringList{}
        << QStringList{u"317>0317"_s} << 0;
    QTest::newRow("two zeros and one")
        << QStringList{u"17|Ari Moana:2|1A:0-9:2"_s, u"017|Ari Moana:2|1A:10-19:2"_s, u"0017|Ari Moana:5|1A:0-99:5"_s}
        << QStringList{} << QStringList{u"017>0017"_s, u"17>0017"_s} << 0;
    QTest::newRow("with the list: the list id wins")
        << QStringList{u"421|Tama Ngata:5|2A:0-50:5"_s, u"0421|||L=Tama Ngata"_s} << QStringList{}
        << QStringList{u"421>0421"_s} << 0;
    QTest::newRow("with the list, both forms logged")
        << QStringList{u"421|Tama Ngata:5|2A:0-50:5"_s, u"0421|Tama Ngata:5|2A:0-90:5|L=Tama Ngata"_s}
        << QStringList{} << QStringList{u"421>0421"_s} << 0;
    QTest::newRow("NEG different names: two children")
        << QStringList{u"317|Mia Chen:4|5A:0-80:4"_s, u"0317|Noah Brown:9|5A:0-200:9"_s} << QStringList{}
        << QStringList{} << 1;
    QTest::newRow("NEG two classes at the same time")
        << QStringList{u"317|Mia Chen:4|5A:0-200:4"_s, u"0317|Mia Chen:9|2C:0-200:9"_s} << QStringList{}
        << QStringList{} << 1;
    QTest::newRow("NEG list name differs")
        << QStringList{u"421|Tama Ngata:5|2A:0-50:5"_s, u"0421|||L=Ida Bell"_s} << QStringList{} << QStringList{}
        << 1;
    QTest::newRow("NEG two list ids fit")
        << QStringList{u"421|Tama Ngata:5|2A:0-50:5"_s, u"0421|||L=Tama Ngata"_s, u"00421|||L=Tama Ngata"_s}
        << QStringList{} << QStringList{} << 1;
    QTest::newRow("NEG both on the list: two students")
        << QStringList{u"421|Tama Ngata:5|2A:0-50:5|L=Tama Ngata"_s, u"0421|||L=Tama Ngata"_s} << QStringList{}
        << QStringList{} << 0;
    QTest::newRow("NEG kept apart by the administrator")
        << QStringList{u"421|Tama Ngata:3|2A:0-50:3"_s, u"0421|Tama Ngata:9|2A:0-200:9"_s}
        << QStringList{u"421"_s} << QStringList{} << 0;
    QTest::newRow("NEG ids with letters are never twins")
        << QStringList{u"A21|Tama Ngata:3|2A:0-50:3"_s, u"0A21|Tama Ngata:9|2A:0-200:9"_s} << QStringList{}
        << QStringList{} << 0;
    QTest::newRow("NEG no name on one side")
        << QStringList{u"421||2A:0-50:3"_s, u"0421|Tama Ngata:9|2A:0-200:9"_s} << QStringList{} << QStringList{}
        << 1;
}

void tst_RosterRules::leadingZeroTwins()
{
    QFETCH(QStringList, ids);
    QFETCH(QStringList, keepApart);
    QFETCH(QStringList, merges);
    QFETCH(int, questions);
    const rules::TwinResult r = rules::leadingZeroTwins(evs(ids), QSet<QString>(keepApart.begin(), keepApart.end()));
    QStringList got;
    for (const rules::TwinMerge &m : r.merges) {
        got.append(m.fromId + u'>' + m.intoId);
        QVERIFY2(m.detail.contains(m.fromId) && m.detail.contains(m.intoId), qPrintable(m.detail));
        QVERIFY2(m.detail.contains(u"logs"_s), qPrintable(m.detail)); // the evidence: log counts and classes
    }
    got.sort();
    QCOMPARE(got, merges);
    QCOMPARE(int(r.questions.size()), questions);
}

void tst_RosterRules::majoritySpelling_data()
{
    QTest::addColumn<QStringList>("spellings"); // "spelling:logs", the chosen first
    QTest::addColumn<bool>("settled");
    QTest::newRow("case only") << QStringList{u"Mia Chen:1"_s, u"MIA CHEN:4"_s} << true;
    QTest::newRow("spacing and accents only") << QStringList{u"Zoë Smith:2"_s, u"Zoe  Smith:1"_s} << true;
    QTest::newRow("case only, even 1 against 1") << QStringList{u"Ana Pae:1"_s, u"ana pae:1"_s} << true;
    QTest::newRow("typo against a clear majority") << QStringList{u"Olivia Smith:6"_s, u"Olivia Smtih:1"_s} << true;
    QTest::newRow("typo, majority counts its case variants")
        << QStringList{u"Mia Van der Berg:5"_s, u"mia VAN DER BERG:2"_s, u"Mia Van der Burg:1"_s} << true;
    QTest::newRow("exactly twice and three logs") << QStringList{u"Liam Chen:4"_s, u"Liam Chan:2"_s} << true;
    QTest::newRow("NEG typo without a majority") << QStringList{u"Liam Chen:3"_s, u"Liam Chan:2"_s} << false;
    QTest::newRow("NEG typo, too few logs") << QStringList{u"Liam Chen:2"_s, u"Liam Chan:1"_s} << false;
    QTest::newRow("NEG another name") << QStringList{u"Mia Chen:20"_s, u"Max Brown:1"_s} << false;
    QTest::newRow("NEG two edits") << QStringList{u"Mia Chen:20"_s, u"Mai Chan:1"_s} << false;
}

void tst_RosterRules::majoritySpelling()
{
    QFETCH(QStringList, spellings);
    QFETCH(bool, settled);
    std::vector<rules::SpellingCount> s;
    for (const QString &x : spellings)
        s.push_back(rules::SpellingCount{x.section(u':', 0, 0), x.section(u':', 1).toInt()});
    const rules::SpellingVerdict v = rules::majoritySpelling(s, s.front().spelling);
    QCOMPARE(v.settled, settled);
    for (const rules::SpellingCount &x : s) // the counts are the evidence
        QVERIFY2(v.detail.contains(u"'%1' %2"_s.arg(x.spelling).arg(x.logs)), qPrintable(v.detail));
}

void tst_RosterRules::namesakes_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<QString>("settledBy");
    QTest::newRow("different classes, same weeks")
        << u"210|Mia Chen:8|5A:0-200:8"_s << u"388|Mia Chen:5|2B:30-150:5"_s << u"namesakesDifferentClasses"_s;
    QTest::newRow("both on the school list, same class")
        << u"210|Mia Chen:8|5A:0-200:8|L=Mia Chen"_s << u"388|||L=Mia Chen"_s << u"namesakesOnSchoolList"_s;
    QTest::newRow("NEG same class: the logs cannot tell")
        << u"210|Mia Chen:8|5A:0-200:8"_s << u"388|Mia Chen:5|5A:30-150:5"_s << QString();
    QTest::newRow("NEG one id seen once, never overlapping")
        << u"210|Mia Chen:8|5A:0-100:8"_s << u"388|Mia Chen:1|5B:150-150:1"_s << QString();
    QTest::newRow("NEG different classes, months apart (a move?)")
        << u"210|Mia Chen:8|5A:0-100:8"_s << u"388|Mia Chen:6|5B:120-200:6"_s << QString();
    QTest::newRow("NEG only one on the list, same class")
        << u"210|Mia Chen:8|5A:0-200:8|L=Mia Chen"_s << u"388|Mia Chen:5|5A:30-150:5"_s << QString();
    QTest::newRow("NEG no classes") << u"210|Mia Chen:8|"_s << u"388|Mia Chen:5|"_s << QString();
}

void tst_RosterRules::namesakes()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(QString, settledBy);
    const rules::NamesakeVerdict v = rules::namesakes(ev(a), ev(b));
    QCOMPARE(v.settledBy, settledBy);
    QCOMPARE(rules::namesakes(ev(b), ev(a)).settledBy, settledBy);
    QVERIFY(v.detail.contains(u"210"_s) && v.detail.contains(u"388"_s));
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_RosterRules)
#include "tst_rosterrules.moc"
