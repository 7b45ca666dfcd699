#include "common/errors.h"
#include "common/progress.h"
#include "roster/namesplitter.h"
#include "roster/rosterbuilder.h"
#include "roster/rosterjson.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

constexpr qint64 kDay = 24LL * 3600 * 1000;
const qint64 kStart = QDateTime(QDate(2025, 3, 3), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

// Builds accepted records tersely; each record gets a distinct timestamp.
class Logs
{
public:
    Logs &add(const QString &id, const QString &name, const QString &email, const QString &cls,
              const QString &location = u"Classroom"_s, int day = 0, int times = 1,
              RecordType type = RecordType::Incident)
    {
        for (int i = 0; i < times; ++i) {
            IncidentRecord r;
            r.uuid = u"00000000-0000-4000-8000-%1"_s.arg(m_records.size(), 12, 10, QChar(u'0'));
            r.timestampMs = kStart + qint64(day) * kDay + qint64(m_records.size()) * 1000;
            r.type = type;
            r.studentId = id;
            r.studentName = name;
            r.level = u"Minor"_s;
            r.category = u"Disruption"_s;
            r.location = location;
            r.teacherEmail = email;
            r.classCode = cls;
            m_records.push_back(r);
        }
        return *this;
    }
    const std::vector<IncidentRecord> &records() const { return m_records; }

private:
    std::vector<IncidentRecord> m_records;
};

const Conflict *findConflict(const Roster &r, const QString &kind, const QString &subject = {})
{
    for (const Conflict &c : r.conflicts)
        if (c.kind == kind && (subject.isEmpty() || c.subject == subject))
            return &c;
    return nullptr;
}

bool hasConflict(const Roster &r, const QString &kind, const QString &subject = {})
{
    for (const Conflict &c : r.conflicts)
        if (c.kind == kind && (subject.isEmpty() || c.subject == subject))
            return true;
    return false;
}

Roster build(const Logs &logs, const std::vector<RosterEntry> &roster = {}, const std::vector<StaffEntry> &staff = {},
             const RosterDecisions &decisions = {})
{
    return RosterBuilder().build(logs.records(), roster, staff, decisions);
}

QString dataDir()
{
    return qEnvironmentVariable("TT_SOURCE_DIR") + u"/tests/data/roster/"_s;
}

class CancelAfter : public Progress
{
public:
    bool cancelRequested() const override { return true; }
};

} // namespace

class tst_RosterBuilder : public QObject
{
    Q_OBJECT
private slots:
    void homeroom_data();
    void homeroom();
    void specialist_data();
    void specialist();
    void classMove();
    void classMoveAndBack();
    void schoolListColumnsByHand();
    void twoClassesRecently();
    void noClassCode_data();
    void noClassCode();
    void leadingZeros_data();
    void leadingZeros();
    void leadingZeroTwins_data();
    void leadingZeroTwins();
    void separateAndReopen();
    void namesakes_data();
    void namesakes();
    void nameVariants_data();
    void nameVariants();
    void noStudentId_data();
    void noStudentId();
    void rosterMerge();
    void staffList();
    void displayNameFromEmail_data();
    void displayNameFromEmail();
    void classCodesCaseInsensitive();
    void decisionsSurviveRerun();
    void acceptAllFreezes();
    void decisionsJsonRoundTrip();
    void linkCounts();
    void lookups();
    void json();
    void cancel();
    void readRoster_data();
    void readRoster();
    void readRosterErrors_data();
    void readRosterErrors();
    void readStaff();
};

void tst_RosterBuilder::homeroom_data()
{
    QTest::addColumn<int>("aClass");
    QTest::addColumn<int>("aYard");
    QTest::addColumn<int>("bClass");
    QTest::addColumn<int>("bYard");
    QTest::addColumn<QString>("homeroom");
    QTest::addColumn<QString>("runnerUp");
    QTest::addColumn<int>("margin");
    QTest::addColumn<bool>("close");
    const QString a = u"ann.lee@school.example"_s, b = u"bob.ray@school.example"_s;
    QTest::newRow("clear lead") << 40 << 0 << 5 << 0 << a << b << 35 << false;
    QTest::newRow("close share") << 20 << 0 << 17 << 0 << a << b << 3 << true;
    QTest::newRow("close few logs") << 2 << 0 << 0 << 0 << a << QString() << 2 << true;
    QTest::newRow("alone enough") << 9 << 0 << 0 << 0 << a << QString() << 9 << false;
    QTest::newRow("yard duty ignored") << 5 << 0 << 30 << 60 << b << a << 25 << false;
    QTest::newRow("only yard") << 0 << 20 << 12 << 0 << b << QString() << 12 << false;
}

void tst_RosterBuilder::homeroom()
{
    QFETCH(int, aClass);
    QFETCH(int, aYard);
    QFETCH(int, bClass);
    QFETCH(int, bYard);
    QFETCH(QString, homeroom);
    QFETCH(QString, runnerUp);
    QFETCH(int, margin);
    QFETCH(bool, close);
    Logs logs;
    logs.add(u"1"_s, u"Ivy Hart"_s, u"ann.lee@school.example"_s, u"3A"_s, u"Classroom"_s, 0, aClass)
        .add(u"1"_s, u"Ivy Hart"_s, u"ann.lee@school.example"_s, u"3A"_s, u"Yard"_s, 1, aYard)
        .add(u"2"_s, u"Max Gold"_s, u"bob.ray@school.example"_s, u"3A"_s, u"Transition"_s, 2, bClass)
        .add(u"2"_s, u"Max Gold"_s, u"bob.ray@school.example"_s, u"3A"_s, u"Yard"_s, 3, bYard);
    const Roster r = build(logs);
    const ClassroomDraft *c = r.classroom(u"3A"_s);
    QVERIFY(c);
    QCOMPARE(c->homeroomTeacherEmail, homeroom);
    QCOMPARE(c->runnerUpEmail, runnerUp);
    QCOMPARE(c->homeroomMargin, margin);
    QVERIFY(c->homeroomEvidence.contains(homeroom));
    QCOMPARE(hasConflict(r, u"closeHomeroom"_s, u"3A"_s), close);
}

void tst_RosterBuilder::specialist_data()
{
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("specialistLogsPerClass");
    QTest::addColumn<int>("otherLogsPerClass");
    QTest::addColumn<bool>("specialist");
    QTest::addColumn<QString>("evidence");
    QTest::newRow("art teacher") << 6 << 8 << 2 << true << u"6 classes, 80% with location Specialist (48 of 60"_s;
    QTest::newRow("mostly yard") << 6 << 1 << 9 << false << u"6 classes, 10%"_s;
    QTest::newRow("two classes only") << 2 << 10 << 0 << false << u"2 classes, 100%"_s;
    QTest::newRow("threshold") << 3 << 5 << 5 << true << u"3 classes, 50%"_s;
}

void tst_RosterBuilder::specialist()
{
    QFETCH(int, classes);
    QFETCH(int, specialistLogsPerClass);
    QFETCH(int, otherLogsPerClass);
    QFETCH(bool, specialist);
    QFETCH(QString, evidence);
    const QString art = u"art.room@school.example"_s;
    Logs logs;
    for (int c = 0; c < classes; ++c) {
        const QString code = u"%1B"_s.arg(c + 1);
        const QString id = QString::number(100 + c);
        logs.add(id, u"Kid Number"_s, u"home.teacher%1@school.example"_s.arg(QChar(u'a' + c)), code, u"Classroom"_s, 0,
                 10);
        logs.add(id, u"Kid Number"_s, art, code, u"Specialist"_s, 1, specialistLogsPerClass);
        logs.add(id, u"Kid Number"_s, art, code, u"Yard"_s, 2, otherLogsPerClass);
    }
    const Roster r = build(logs);
    const TeacherDraft *t = r.teacher(art);
    QVERIFY(t);
    QCOMPARE(t->isSpecialist, specialist);
    QVERIFY2(t->specialistEvidence.contains(evidence), qPrintable(t->specialistEvidence));
    for (const ClassroomDraft &c : r.classrooms) {
        QCOMPARE(c.specialistEmails.contains(art), specialist);
        QVERIFY(c.homeroomTeacherEmail != art || !specialist);
        QVERIFY(c.homeroomTeacherEmail.startsWith(u"home.teacher"_s) || !specialist);
    }
}

void tst_RosterBuilder::classMove()
{
    Logs logs;
    const QString t3 = u"cara.moss@school.example"_s, t4 = u"dan.wolf@school.example"_s;
    logs.add(u"55"_s, u"Noah Kim"_s, t3, u"3A"_s, u"Classroom"_s, 0, 6)
        .add(u"55"_s, u"Noah Kim"_s, t3, u"3A"_s, u"Classroom"_s, 60, 4)
        .add(u"55"_s, u"Noah Kim"_s, t4, u"4B"_s, u"Classroom"_s, 100, 3)
        .add(u"55"_s, u"Noah Kim"_s, t4, u"4B"_s, u"Classroom"_s, 150, 2)
        .add(u"56"_s, u"Eve Park"_s, t3, u"3A"_s, u"Classroom"_s, 150, 20)
        .add(u"57"_s, u"Raj Iyer"_s, t4, u"4B"_s, u"Classroom"_s, 150, 20);
    const Roster r = build(logs);
    const StudentDraft *s = r.student(u"55"_s);
    QVERIFY(s);
    QCOMPARE(s->classCode, u"4B"_s);
    QCOMPARE(s->classHistory.size(), size_t(2));
    QCOMPARE(s->classHistory[0].classCode, u"3A"_s);
    QCOMPARE(s->classHistory[0].logs, 10);
    QCOMPARE(s->classHistory[1].classCode, u"4B"_s);
    QCOMPARE(s->classHistory[1].logs, 5);
    QVERIFY(s->classHistory[0].lastMs < s->classHistory[1].firstMs);
    QVERIFY(!hasConflict(r, u"twoClasses"_s, u"55"_s));
    QCOMPARE(r.classroom(u"4B"_s)->students, 2);
    QCOMPARE(r.classroom(u"3A"_s)->students, 1);
}

void tst_RosterBuilder::classMoveAndBack()
{
    Logs logs;
    const QString t3 = u"cara.moss@school.example"_s, t4 = u"dan.wolf@school.example"_s;
    logs.add(u"55"_s, u"Noah Kim"_s, t3, u"3A"_s, u"Classroom"_s, 0, 5)
        .add(u"55"_s, u"Noah Kim"_s, t4, u"4B"_s, u"Classroom"_s, 100, 3)
        .add(u"55"_s, u"Noah Kim"_s, t3, u"3A"_s, u"Classroom"_s, 200, 4)
        .add(u"56"_s, u"Eve Park"_s, t3, u"3A"_s, u"Classroom"_s, 200, 20)
        .add(u"57"_s, u"Raj Iyer"_s, t4, u"4B"_s, u"Classroom"_s, 200, 20);
    const Roster r = build(logs);
    const StudentDraft *s = r.student(u"55"_s);
    QVERIFY(s);
    QCOMPARE(s->classCode, u"3A"_s);
    QCOMPARE(s->classHistory.size(), size_t(3)); // 3A, then 4B, then back to 3A: three stints, not one 3A span
    QCOMPARE(s->classHistory[0].classCode, u"3A"_s);
    QCOMPARE(s->classHistory[0].logs, 5);
    QCOMPARE(s->classHistory[1].classCode, u"4B"_s);
    QCOMPARE(s->classHistory[1].logs, 3);
    QCOMPARE(s->classHistory[2].classCode, u"3A"_s);
    QCOMPARE(s->classHistory[2].logs, 4);
    QVERIFY(s->classHistory[0].lastMs < s->classHistory[1].firstMs);
    QVERIFY(s->classHistory[1].lastMs < s->classHistory[2].firstMs);
}

void tst_RosterBuilder::twoClassesRecently()
{
    Logs logs;
    logs.add(u"77"_s, u"Ada Fox"_s, u"e.one@school.example"_s, u"5C"_s, u"Classroom"_s, 0, 10)
        .add(u"77"_s, u"Ada Fox"_s, u"e.one@school.example"_s, u"5C"_s, u"Classroom"_s, 95, 3)
        .add(u"77"_s, u"Ada Fox"_s, u"f.two@school.example"_s, u"6D"_s, u"Classroom"_s, 100, 1);
    const Roster r = build(logs);
    QCOMPARE(r.student(u"77"_s)->classCode, u"5C"_s); // 3 recent logs in 5C against 1 in 6D
    QVERIFY(hasConflict(r, u"twoClasses"_s, u"77"_s));
}

void tst_RosterBuilder::noClassCode_data()
{
    QTest::addColumn<QString>("teacher");
    QTest::addColumn<QString>("expectedClass");
    QTest::newRow("homeroom teacher logged them") << u"g.hill@school.example"_s << u"2A"_s;
    QTest::newRow("only a specialist logged them") << u"art.room@school.example"_s << QString();
}

void tst_RosterBuilder::noClassCode()
{
    QFETCH(QString, teacher);
    QFETCH(QString, expectedClass);
    Logs logs;
    logs.add(u"1"_s, u"Ida Bell"_s, u"g.hill@school.example"_s, u"2A"_s, u"Classroom"_s, 0, 10);
    for (int c = 0; c < 4; ++c)
        logs.add(u"1"_s, u"Ida Bell"_s, u"art.room@school.example"_s, u"%1X"_s.arg(c), u"Specialist"_s, 1, 3);
    logs.add(u"99"_s, u"Ava Ng"_s, teacher, QString(), u"Classroom"_s, 2, 2);
    const Roster r = build(logs);
    QVERIFY(r.teacher(u"art.room@school.example"_s)->isSpecialist);
    const StudentDraft *s = r.student(u"99"_s);
    QCOMPARE(s->classCode, expectedClass);
    QVERIFY(s->classHistory.empty());
    QVERIFY(hasConflict(r, u"noClass"_s, u"99"_s)); // a suggestion from the teacher is still listed
    if (!expectedClass.isEmpty())
        QVERIFY(s->classEvidence.contains(teacher));
}

void tst_RosterBuilder::leadingZeros_data()
{
    QTest::addColumn<bool>("withRoster");
    QTest::addColumn<QString>("expectedId");
    QTest::newRow("with roster") << true << u"0421"_s;
    QTest::newRow("without roster") << false << u"421"_s;
}

void tst_RosterBuilder::leadingZeros()
{
    QFETCH(bool, withRoster);
    QFETCH(QString, expectedId);
    Logs logs;
    logs.add(u"421"_s, u"Tama Ngata"_s, u"g.hill@school.example"_s, u"2A"_s, u"Classroom"_s, 0, 3)
        .add(u"3430"_s, u"Ida Bell"_s, u"g.hill@school.example"_s, u"2A"_s, u"Classroom"_s, 0, 2);
    std::vector<RosterEntry> roster;
    if (withRoster) {
        roster.push_back(RosterEntry{u"0421"_s, u"Tama"_s, u"Ngata"_s, {}, u"2A"_s, {}, 2});
        roster.push_back(RosterEntry{u"3430"_s, u"Ida"_s, u"Bell"_s, {}, u"2A"_s, {}, 3});
    }
    const Roster r = build(logs, roster);
    QCOMPARE(r.students.size(), size_t(2));
    QVERIFY(r.student(expectedId));
    QCOMPARE(r.links[0].studentId, expectedId);
    QCOMPARE(hasConflict(r, u"leadingZeros"_s), withRoster);
    if (withRoster) {
        QVERIFY(!r.student(u"421"_s));
        QCOMPARE(r.student(u"0421"_s)->loggedIds, QStringList{u"421"_s});
    }
}

void tst_RosterBuilder::leadingZeroTwins_data()
{
    // logs: "id:name:class:day:times" ; list: "id:first:last:class"
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QStringList>("list");
    QTest::addColumn<QStringList>("students"); // the ids that must come out, sorted
    QTest::addColumn<QString>("linkedTo");     // what the first log links to
    QTest::addColumn<bool>("question");        // a leadingZeros question left
    QTest::newRow("logs only: one student under the zeros")
        << QStringList{u"421:Tama Ngata:2A:0:3"_s, u"0421:tama ngata:2A:5:4"_s} << QStringList{}
        << QStringList{u"0421"_s} << u"0421"_s << false;
    QTest::newRow("logs only: typo in the name, a move")
        << QStringList{u"317:Mia Chne:5A:0:2"_s, u"0317:Mia Chen:5A:1:3"_s, u"0317:Mia Chen:5B:90:3"_s}
        << QStringList{} << QStringList{u"0317"_s} << u"0317"_s << false;
    QTest::newRow("with the list")
        << QStringList{u"421:Tama Ngata:2A:0:3"_s, u"0421:Tama Ngata:2A:5:1"_s} << QStringList{u"0421:Tama:Ngata:2A"_s}
        << QStringList{u"0421"_s} << u"0421"_s << false;
    QTest::newRow("NEG two names: two children")
        << QStringList{u"421:Tama Ngata:2A:0:3"_s, u"0421:Ida Bell:2A:5:4"_s} << QStringList{}
        << QStringList{u"0421"_s, u"421"_s} << u"421"_s << true;
    QTest::newRow("NEG two classes at once")
        << QStringList{u"421:Tama Ngata:2A:0:1"_s, u"0421:Tama Ngata:4C:5:1"_s, u"421:Tama Ngata:2A:60:1"_s,
                       u"0421:Tama Ngata:4C:65:1"_s}
        << QStringList{} << QStringList{u"0421"_s, u"421"_s} << u"421"_s << true;
    QTest::newRow("NEG the list names someone else")
        << QStringList{u"421:Tama Ngata:2A:0:3"_s} << QStringList{u"0421:Ida:Bell:2A"_s}
        << QStringList{u"0421"_s, u"421"_s} << u"421"_s << true;
}

void tst_RosterBuilder::leadingZeroTwins()
{
    QFETCH(QStringList, logs);
    QFETCH(QStringList, list);
    QFETCH(QStringList, students);
    QFETCH(QString, linkedTo);
    QFETCH(bool, question);
    Logs l;
    for (const QString &x : logs) {
        const QStringList f = x.split(u':');
        l.add(f[0], f[1], u"g.hill@school.example"_s, f[2], u"Classroom"_s, f[3].toInt(), f[4].toInt());
    }
    std::vector<RosterEntry> roster;
    for (const QString &x : list) {
        const QStringList f = x.split(u':');
        roster.push_back(RosterEntry{f[0], f[1], f[2], {}, f[3], {}, int(roster.size()) + 2});
    }
    const Roster r = build(l, roster);
    QStringList got;
    for (const StudentDraft &s : r.students)
        got.append(s.studentId);
    QCOMPARE(got, students);
    QCOMPARE(r.links[0].studentId, linkedTo);
    bool asked = false, settled = false;
    for (const Conflict &c : r.conflicts) {
        if (c.kind != u"leadingZeros"_s)
            continue;
        asked = asked || c.needsDecision;
        if (!c.needsDecision) {
            settled = true;
            QCOMPARE(c.settledBy, u"leadingZeroTwins"_s);
            QVERIFY2(c.detail.contains(u"421"_s) || c.detail.contains(u"317"_s), qPrintable(c.detail));
        }
    }
    QCOMPARE(asked, question);
    QCOMPARE(settled, students.size() == 1);
    if (students.size() == 1) {
        const StudentDraft *s = r.student(students.front());
        QCOMPARE(s->logs, int(r.links.size())); // every log of both forms
        QVERIFY(!hasConflict(r, u"idClash"_s)); // not also a namesake question
    }
}

void tst_RosterBuilder::separateAndReopen()
{
    Logs logs;
    logs.add(u"421"_s, u"Tama Ngata"_s, u"g.hill@school.example"_s, u"2A"_s, u"Classroom"_s, 0, 3)
        .add(u"0421"_s, u"Tama Ngata"_s, u"g.hill@school.example"_s, u"2A"_s, u"Classroom"_s, 4, 2);
    QCOMPARE(build(logs).students.size(), size_t(1));
    RosterDecisions apart;
    apart.keepStudentIdApart(u"421"_s);
    const Roster separated = build(logs, {}, {}, apart);
    QCOMPARE(separated.students.size(), size_t(2));
    QCOMPARE(separated.links[0].studentId, u"421"_s);
    for (const Conflict &c : separated.conflicts)
        QVERIFY2(!c.needsDecision || c.kind != u"idClash"_s, qPrintable(c.detail)); // the administrator decided
    RosterDecisions reopened;
    reopened.reopenSettlement(u"leadingZeroTwins"_s, u"0421"_s);
    const Roster asked = build(logs, {}, {}, reopened);
    QCOMPARE(asked.students.size(), size_t(2));
    const Conflict *q = findConflict(asked, u"leadingZeros"_s, u"421"_s);
    QVERIFY(q);
    QVERIFY(q->needsDecision);
    // the decisions survive the project file
    RosterDecisions both = apart;
    both.reopenSettlement(u"majoritySpelling"_s, u"900"_s);
    const RosterDecisions back = RosterDecisions::fromJson(nlohmann::json::parse(both.toJson().dump()));
    QVERIFY(back == both);
    QVERIFY(back.isKeptApart(u"421"_s));
    QVERIFY(back.isReopened(u"majoritySpelling"_s, u"900"_s));
    // reopening a spelling settlement makes it a question again
    Logs names;
    names.add(u"900"_s, u"Olivia Smith"_s, u"h.ivy@school.example"_s, u"1A"_s, u"Classroom"_s, 0, 6)
        .add(u"900"_s, u"Olivia Smtih"_s, u"h.ivy@school.example"_s, u"1A"_s, u"Classroom"_s, 1, 1);
    QVERIFY(!findConflict(build(names), u"nameVariants"_s, u"900"_s)->needsDecision);
    QVERIFY(findConflict(build(names, {}, {}, back), u"nameVariants"_s, u"900"_s)->needsDecision);
}

void tst_RosterBuilder::namesakes_data()
{
    QTest::addColumn<QString>("classB"); // the second Mia Chen's class
    QTest::addColumn<int>("dayB");
    QTest::addColumn<bool>("bothListed");
    QTest::addColumn<QString>("settledBy"); // empty: a question
    QTest::newRow("different classes, same weeks") << u"3C"_s << 10 << false << u"namesakesDifferentClasses"_s;
    QTest::newRow("both on the school list") << u"5A"_s << 10 << true << u"namesakesOnSchoolList"_s;
    QTest::newRow("NEG same class") << u"5A"_s << 10 << false << QString();
    QTest::newRow("NEG different class, seen after the other (a move?)") << u"3C"_s << 200 << false << QString();
}

void tst_RosterBuilder::namesakes()
{
    QFETCH(QString, classB);
    QFETCH(int, dayB);
    QFETCH(bool, bothListed);
    QFETCH(QString, settledBy);
    Logs logs;
    for (int week = 0; week < 20; ++week) {
        logs.add(u"210"_s, u"Mia Chen"_s, u"a.b@school.example"_s, u"5A"_s, u"Classroom"_s, week * 7);
        logs.add(u"388"_s, u"Mia Chen"_s, u"c.d@school.example"_s, classB, u"Classroom"_s, dayB + week);
    }
    std::vector<RosterEntry> roster;
    if (bothListed) {
        roster.push_back(RosterEntry{u"210"_s, u"Mia"_s, u"Chen"_s, {}, u"5A"_s, {}, 2});
        roster.push_back(RosterEntry{u"388"_s, u"Mia"_s, u"Chen"_s, {}, classB, {}, 3});
    }
    const Roster r = build(logs, roster);
    QCOMPARE(r.students.size(), size_t(2)); // never merged
    const Conflict *c = findConflict(r, u"idClash"_s, u"210 / 388"_s);
    QVERIFY(c);
    QCOMPARE(c->settledBy, settledBy);
    QCOMPARE(c->needsDecision, settledBy.isEmpty());
}

void tst_RosterBuilder::nameVariants_data()
{
    QTest::addColumn<QStringList>("spellings"); // "count:spelling"
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");
    QTest::addColumn<int>("variants");
    QTest::addColumn<bool>("question"); // false: settled by majoritySpelling
    QTest::newRow("frequency wins") << QStringList{u"5:Mia Van der Berg"_s, u"2:mia VAN DER BERG"_s,
                                                   u"1:Mia Van der Burg"_s}
                                    << u"Mia"_s << u"Van der Berg"_s << 2 << false;
    QTest::newRow("well-formed beats frequent damage") << QStringList{u"4:LIAM CHEN"_s, u"1:Liam Chen"_s}
                                                       << u"Liam"_s << u"Chen"_s << 1 << false;
    QTest::newRow("only damaged: repaired") << QStringList{u"3:aroha te whata"_s} << u"Aroha"_s << u"Te Whata"_s << 1
                                            << false;
    QTest::newRow("typo minority") << QStringList{u"1:Olivia Smtih"_s, u"6:Olivia Smith"_s} << u"Olivia"_s
                                   << u"Smith"_s << 1 << false;
    QTest::newRow("single spelling") << QStringList{u"2:Finn O'Brien"_s} << u"Finn"_s << u"O'Brien"_s << 0 << false;
    QTest::newRow("NEG no clear majority") << QStringList{u"3:Liam Chen"_s, u"2:Liam Chan"_s} << u"Liam"_s
                                           << u"Chen"_s << 1 << true;
    QTest::newRow("NEG another name") << QStringList{u"9:Liam Chen"_s, u"1:Noah Brown"_s} << u"Liam"_s << u"Chen"_s
                                      << 1 << true;
}

void tst_RosterBuilder::nameVariants()
{
    QFETCH(QStringList, spellings);
    QFETCH(QString, first);
    QFETCH(QString, last);
    QFETCH(int, variants);
    Logs logs;
    int day = 0;
    for (const QString &s : spellings) {
        const int count = s.section(u':', 0, 0).toInt();
        logs.add(u"900"_s, s.section(u':', 1), u"h.ivy@school.example"_s, u"1A"_s, u"Classroom"_s, day++, count);
    }
    const Roster r = build(logs);
    const StudentDraft *s = r.student(u"900"_s);
    QVERIFY(s);
    QCOMPARE(s->firstName, first);
    QCOMPARE(s->lastName, last);
    QCOMPARE(int(s->nameVariants.size()), variants);
    QCOMPARE(hasConflict(r, u"nameVariants"_s, u"900"_s), variants > 0);
    QFETCH(bool, question);
    if (variants > 0) {
        const Conflict *c = findConflict(r, u"nameVariants"_s, u"900"_s);
        QCOMPARE(c->needsDecision, question);
        QCOMPARE(c->settledBy, question ? QString() : u"majoritySpelling"_s);
    }
}

void tst_RosterBuilder::noStudentId_data()
{
    QTest::addColumn<QString>("loggedName");
    QTest::addColumn<QString>("linkedId");
    QTest::addColumn<QString>("reasonPart");
    QTest::newRow("matched ignoring case and accents") << u"zoe  SMITH"_s << u"10"_s << QString();
    QTest::newRow("matched exactly") << u"Zoë Smith"_s << u"10"_s << QString();
    QTest::newRow("matched a variant spelling") << u"Zoe Smyth"_s << u"10"_s << QString();
    QTest::newRow("nobody") << u"Nobody Known"_s << QString() << u"no student with this name"_s;
    QTest::newRow("two students") << u"Sam Lee"_s << QString() << u"2 students have this name"_s;
}

void tst_RosterBuilder::noStudentId()
{
    QFETCH(QString, loggedName);
    QFETCH(QString, linkedId);
    QFETCH(QString, reasonPart);
    Logs logs;
    logs.add(u"10"_s, u"Zoë Smith"_s, u"k.lo@school.example"_s, u"1A"_s, u"Classroom"_s, 0, 3)
        .add(u"10"_s, u"Zoe Smyth"_s, u"k.lo@school.example"_s, u"1A"_s, u"Classroom"_s, 0, 1)
        .add(u"11"_s, u"Sam Lee"_s, u"k.lo@school.example"_s, u"1A"_s)
        .add(u"12"_s, u"Sam Lee"_s, u"k.lo@school.example"_s, u"1A"_s)
        .add(QString(), loggedName, u"k.lo@school.example"_s, u"1A"_s);
    const Roster r = build(logs);
    const RecordLink &link = r.links.back();
    QCOMPARE(link.studentId, linkedId);
    QCOMPARE(link.studentReason.isEmpty(), reasonPart.isEmpty());
    QVERIFY2(link.studentReason.contains(reasonPart), qPrintable(link.studentReason));
    QCOMPARE(r.summary.student, linkedId.isEmpty() ? 6 : 7);
    QVERIFY(hasConflict(r, u"noStudentId"_s));
    QCOMPARE(r.unlinkedReasons.value(link.studentReason), linkedId.isEmpty() ? 1 : 0);
    // linked by the one matching name: settled; not matched: a question
    const Conflict *c = findConflict(r, u"noStudentId"_s, linkedId.isEmpty() ? loggedName : linkedId);
    QVERIFY(c);
    QCOMPARE(c->needsDecision, linkedId.isEmpty());
    QCOMPARE(c->settledBy, linkedId.isEmpty() ? QString() : u"uniqueNameMatch"_s);
    if (!linkedId.isEmpty()) { // undone: the logs are unlinked again, and asked about
        RosterDecisions d;
        d.reopenSettlement(u"uniqueNameMatch"_s, linkedId);
        const Roster undone = build(logs, {}, {}, d);
        QVERIFY(undone.links.back().studentId.isEmpty());
        QVERIFY(findConflict(undone, u"noStudentId"_s, loggedName)->needsDecision);
    }
}

void tst_RosterBuilder::rosterMerge()
{
    Logs logs;
    logs.add(u"100"_s, u"Jon Snoe"_s, u"l.m@school.example"_s, u"3A"_s, u"Classroom"_s, 0, 4)
        .add(u"101"_s, u"Amy Pond"_s, u"l.m@school.example"_s, u"3A"_s, u"Classroom"_s, 0, 2);
    std::vector<RosterEntry> roster{
        RosterEntry{u"100"_s, u"Jon"_s, u"Snow"_s, u"parent.snow@mail.example"_s, u"3a"_s, u"asthma plan"_s, 2},
        RosterEntry{u"101"_s, u"Amy"_s, u"Pond"_s, u"pond@mail.example"_s, u"4B"_s, {}, 3},
        RosterEntry{u"102"_s, u"Rory"_s, u"Williams"_s, u"rw@mail.example"_s, u"3A"_s, {}, 4}};
    const Roster r = build(logs, roster);
    QCOMPARE(r.students.size(), size_t(3));
    const StudentDraft *jon = r.student(u"100"_s);
    QCOMPARE(jon->lastName, u"Snow"_s);        // the roster is authoritative for names
    QCOMPARE(jon->nameSource, u"school roster"_s);
    QCOMPARE(jon->guardians, u"parent.snow@mail.example"_s);
    QCOMPARE(jon->notes, u"asthma plan"_s);
    QCOMPARE(jon->classCode, u"3A"_s);          // written as the logs write it
    QVERIFY(jon->nameVariants.contains(u"Jon Snoe"_s));
    QVERIFY(hasConflict(r, u"idClash"_s, u"100"_s));
    const StudentDraft *rory = r.student(u"102"_s);
    QVERIFY(rory);
    QVERIFY(rory->fromRosterOnly);
    QCOMPARE(rory->logs, 0);
    QCOMPARE(rory->classCode, u"3A"_s);
    const StudentDraft *amy = r.student(u"101"_s);
    QCOMPARE(amy->classCode, u"4B"_s); // roster's class wins, with a conflict
    QVERIFY(hasConflict(r, u"classMismatch"_s, u"101"_s));
    QVERIFY(r.classroom(u"4B"_s));
    QVERIFY(r.classroom(u"4B"_s)->fromRosterOnly);
    QVERIFY(!hasConflict(r, u"idClash"_s, u"101"_s));
}

void tst_RosterBuilder::staffList()
{
    Logs logs;
    logs.add(u"1"_s, u"Ivy Hart"_s, u"jtan@school.example"_s, u"1A"_s, u"Classroom"_s, 0, 5)
        .add(u"1"_s, u"Ivy Hart"_s, u"ap.office@school.example"_s, u"1A"_s, u"Yard"_s, 0, 2)
        .add(u"1"_s, u"Ivy Hart"_s, u"teacher07@school.example"_s, u"1A"_s, u"Yard"_s, 0, 1);
    std::vector<StaffEntry> staff{
        StaffEntry{u"jtan@school.example"_s, u"Jia Tan"_s, u"teacher"_s, u"Teacher"_s, 2},
        StaffEntry{u"ap.office@school.example"_s, u"Priya Rao"_s, u"admin"_s, u"Assistant Principal"_s, 3},
        StaffEntry{u"new.hire@school.example"_s, u"Nia Hale"_s, u"teacher"_s, {}, 4}};
    const Roster r = build(logs, {}, staff);
    QCOMPARE(r.teacher(u"jtan@school.example"_s)->displayName, u"Jia Tan"_s);
    QCOMPARE(r.teacher(u"jtan@school.example"_s)->displayNameSource, u"staff list"_s);
    QCOMPARE(r.teacher(u"ap.office@school.example"_s)->role, u"admin"_s);
    QVERIFY(r.teacher(u"new.hire@school.example"_s)->fromStaffOnly);
    QCOMPARE(r.teacher(u"teacher07@school.example"_s)->displayName, QString());
    QCOMPARE(r.teacher(u"teacher07@school.example"_s)->role, u"teacher"_s);
    QVERIFY(hasConflict(r, u"unknownTeacher"_s, u"teacher07@school.example"_s));
    QVERIFY(hasConflict(r, u"teacherName"_s, u"teacher07@school.example"_s));
    QVERIFY(!findConflict(r, u"teacherName"_s, u"teacher07@school.example"_s)->needsDecision); // optional
    QVERIFY(!hasConflict(r, u"unknownTeacher"_s, u"jtan@school.example"_s));
    QCOMPARE(staffRoleFromText(u"Assistant Principal"_s), u"admin"_s);
    QCOMPARE(staffRoleFromText(u"PRINCIPAL"_s), u"admin"_s);
    QCOMPARE(staffRoleFromText(u"Classroom Teacher"_s), u"teacher"_s);
}

void tst_RosterBuilder::displayNameFromEmail_data()
{
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("name");
    QTest::newRow("dot") << u"jane.smith@school.example"_s << u"Jane Smith"_s;
    QTest::newRow("underscore") << u"jane_smith@school.example"_s << u"Jane Smith"_s;
    QTest::newRow("hyphen") << u"jane-smith@school.example"_s << u"Jane Smith"_s;
    QTest::newRow("three parts") << u"mary.jane.smith@school.example"_s << u"Mary Jane Smith"_s;
    QTest::newRow("upper case") << u"JANE.SMITH@school.example"_s << u"Jane Smith"_s;
    QTest::newRow("non-ascii") << u"zoë.ngata@school.example"_s << u"Zoë Ngata"_s;
    QTest::newRow("initial") << u"j.smith@school.example"_s << QString();
    QTest::newRow("joined") << u"jsmith@school.example"_s << QString();
    QTest::newRow("digits") << u"teacher07@school.example"_s << QString();
    QTest::newRow("digits in part") << u"jane.smith2@school.example"_s << QString();
    QTest::newRow("four parts") << u"a.bb.cc.dd@school.example"_s << QString();
    QTest::newRow("plus tag") << u"jane.smith+art@school.example"_s << QString();
    QTest::newRow("empty part") << u"jane..smith@school.example"_s << QString();
}

void tst_RosterBuilder::displayNameFromEmail()
{
    QFETCH(QString, email);
    QFETCH(QString, name);
    QCOMPARE(RosterBuilder::displayNameFromEmail(email), name);
}

void tst_RosterBuilder::classCodesCaseInsensitive()
{
    Logs logs;
    logs.add(u"1"_s, u"Ivy Hart"_s, u"a.b@school.example"_s, u"5JT"_s, u"Classroom"_s, 0, 5)
        .add(u"1"_s, u"Ivy Hart"_s, u"a.b@school.example"_s, u"5jt"_s, u"Classroom"_s, 1, 2)
        .add(u"1"_s, u"Ivy Hart"_s, u"a.b@school.example"_s, u" 5JT "_s, u"Classroom"_s, 2, 1);
    const Roster r = build(logs);
    QCOMPARE(r.classrooms.size(), size_t(1));
    QCOMPARE(r.classrooms[0].code, u"5JT"_s);
    QCOMPARE(r.classrooms[0].name, u"5JT"_s);
    QCOMPARE(r.classrooms[0].logs, 8);
    QVERIFY(r.classroom(u"5jt"_s));
    for (const RecordLink &l : r.links)
        QCOMPARE(l.classCode, u"5JT"_s);
}

void tst_RosterBuilder::decisionsSurviveRerun()
{
    Logs logs;
    const QString a = u"ann.lee@school.example"_s, b = u"bob.ray@school.example"_s;
    logs.add(u"1"_s, u"Ivy Hart"_s, a, u"3A"_s, u"Classroom"_s, 0, 10)
        .add(u"2"_s, u"Max Gold"_s, b, u"3A"_s, u"Classroom"_s, 1, 8);
    const Roster first = build(logs);
    QCOMPARE(first.classroom(u"3A"_s)->homeroomTeacherEmail, a);
    QVERIFY(hasConflict(first, u"closeHomeroom"_s, u"3A"_s));

    RosterDecisions d;
    d.setHomeroom(u"3a"_s, b);
    d.setClassroomName(u"3A"_s, u"Year 3 Ray"_s);
    d.setTeacherDisplayName(u"ANN.LEE@school.example"_s, u"Annie Lee"_s);
    d.setTeacherSpecialist(b, false);
    d.setStudentName(u"1"_s, u"Ivy Rose"_s, u"Hart"_s);
    d.setStudentClass(u"2"_s, u"4C"_s);
    // stored and reloaded, as the project does
    const RosterDecisions reloaded = RosterDecisions::fromJson(nlohmann::json::parse(d.toJson().dump()));

    logs.add(u"1"_s, u"Ivy Hart"_s, a, u"3A"_s, u"Classroom"_s, 5, 30).add(u"3"_s, u"New Kid"_s, a, u"3A"_s);
    const Roster second = build(logs, {}, {}, reloaded);
    const ClassroomDraft *c = second.classroom(u"3A"_s);
    QCOMPARE(c->homeroomTeacherEmail, b);
    QCOMPARE(c->name, u"Year 3 Ray"_s);
    QVERIFY(c->decided);
    QVERIFY(!hasConflict(second, u"closeHomeroom"_s, u"3A"_s));
    QCOMPARE(second.teacher(a)->displayName, u"Annie Lee"_s);
    QCOMPARE(second.teacher(a)->displayNameSource, u"administrator"_s);
    QCOMPARE(second.student(u"1"_s)->firstName, u"Ivy Rose"_s);
    QCOMPARE(second.student(u"1"_s)->logs, 40);
    QCOMPARE(second.student(u"2"_s)->classCode, u"4C"_s);
    QVERIFY(second.student(u"3"_s));
    QVERIFY(!second.student(u"3"_s)->decided);
}

void tst_RosterBuilder::acceptAllFreezes()
{
    Logs logs;
    const QString a = u"ann.lee@school.example"_s, b = u"bob.ray@school.example"_s;
    logs.add(u"1"_s, u"Ivy Hart"_s, a, u"3A"_s, u"Classroom"_s, 0, 10);
    const Roster first = build(logs);
    RosterDecisions d;
    d.acceptAll(first);
    logs.add(u"1"_s, u"IVY HART"_s, b, u"3A"_s, u"Classroom"_s, 1, 50).add(u"1"_s, u"Ivy Hart"_s, b, u"4B"_s,
                                                                           u"Classroom"_s, 2, 50);
    const Roster second = build(logs, {}, {}, d);
    QCOMPARE(second.classroom(u"3A"_s)->homeroomTeacherEmail, a); // frozen
    QCOMPARE(second.student(u"1"_s)->classCode, u"3A"_s);         // frozen
    QCOMPARE(second.classroom(u"4B"_s)->homeroomTeacherEmail, b); // new: still a suggestion
    QVERIFY(!second.classroom(u"4B"_s)->decided);
    QVERIFY(!hasConflict(second, u"nameVariants"_s, u"1"_s));
}

void tst_RosterBuilder::decisionsJsonRoundTrip()
{
    RosterDecisions d;
    d.setTeacherDisplayName(u"a.b@x.example"_s, u"A B"_s);
    d.setTeacherRole(u"a.b@x.example"_s, u"admin"_s);
    d.setTeacherSpecialist(u"c.d@x.example"_s, true);
    d.setClassroomName(u"5JT"_s, u"Year 5"_s);
    d.setHomeroom(u"5JT"_s, QString());
    d.setClassSpecialists(u"5jt"_s, {u"C.D@x.example"_s});
    d.setStudentName(u"0421"_s, u"Tama"_s, u"Ngata"_s);
    d.setStudentGuardians(u"0421"_s, u"g@x.example"_s);
    d.mergeStudentId(u"421"_s, u"0421"_s);
    const RosterDecisions back = RosterDecisions::fromJson(nlohmann::json::parse(d.toJson().dump()));
    QVERIFY(back == d);
    QCOMPARE(back.mergedStudentId(u"421"_s), u"0421"_s);
    QCOMPARE(*back.classroom(u"5jt"_s)->specialistEmails, QStringList{u"c.d@x.example"_s});
    QVERIFY(!back.teacher(u"c.d@x.example"_s)->displayName.has_value());
    QVERIFY_THROWS_EXCEPTION(ProjectError, RosterDecisions::fromJson(nlohmann::json::parse(R"({"teachers": 3})")));
}

void tst_RosterBuilder::linkCounts()
{
    Logs logs;
    logs.add(u"1"_s, u"Ivy Hart"_s, u"a.b@school.example"_s, u"1A"_s, u"Classroom"_s, 0, 4)
        .add(u"1"_s, u"Ivy Hart"_s, u"a.b@school.example"_s, QString(), u"Yard"_s, 0, 3)
        .add(QString(), u"Ghost Child"_s, u"a.b@school.example"_s, u"1A"_s, u"Classroom"_s, 0, 2);
    const Roster r = build(logs);
    QCOMPARE(r.summary.total, 9);
    QCOMPARE(r.summary.teacher, 9);
    QCOMPARE(r.summary.classroom, 6);
    QCOMPARE(r.summary.student, 7);
    QCOMPARE(r.links.size(), size_t(9));
    QCOMPARE(r.links[4].classroomReason, u"no class code in the sheet"_s);
    QCOMPARE(r.unlinkedReasons.value(u"no class code in the sheet"_s), 3);
    QCOMPARE(r.teacher(u"a.b@school.example"_s)->incidents, 9);
}

void tst_RosterBuilder::lookups()
{
    Logs logs;
    for (int i = 0; i < 30; ++i)
        logs.add(QString::number(1000 + i * 7), u"Kid Number"_s, u"t%1.x@school.example"_s.arg(i),
                 u"C%1"_s.arg(i % 9));
    const Roster r = build(logs);
    for (int i = 0; i < 30; ++i) {
        QVERIFY(r.student(QString::number(1000 + i * 7)));
        QVERIFY(r.teacher(u"T%1.X@school.example"_s.arg(i)));
    }
    QVERIFY(!r.student(u"1001"_s));
    QVERIFY(r.classroom(u"c8"_s));
    QVERIFY(!r.classroom(u"C9"_s));
    QVERIFY(!r.teacher(u"nobody@school.example"_s));
}

void tst_RosterBuilder::json()
{
    Logs logs;
    logs.add(u"1"_s, u"Ivy Hart"_s, u"ann.lee@school.example"_s, u"1A"_s, u"Classroom"_s, 0, 2)
        .add(u"1"_s, u"Ivy Hart"_s, u"ann.lee@school.example"_s, u"1A"_s, u"Classroom"_s, 3, 1,
             RecordType::Commendation);
    const nlohmann::json j = rosterJson(build(logs));
    QCOMPARE(j.at("teachers").size(), size_t(1));
    QCOMPARE(j.at("teachers")[0].at("displayName").get<std::string>(), std::string("Ann Lee"));
    QCOMPARE(j.at("teachers")[0].at("commendations").get<int>(), 1);
    QCOMPARE(j.at("classrooms")[0].at("homeroomTeacherEmail").get<std::string>(), std::string("ann.lee@school.example"));
    const auto &h = j.at("students")[0].at("classHistory")[0];
    QCOMPARE(h.at("from").get<std::string>(), std::string("2025-03-03T00:00:00.000Z"));
    QCOMPARE(h.at("logs").get<int>(), 3);
    QCOMPARE(j.at("links").at("total").get<int>(), 3);
    QVERIFY(j.at("conflicts").is_array());
}

void tst_RosterBuilder::cancel()
{
    Logs logs;
    logs.add(u"1"_s, u"Ivy Hart"_s, u"a.b@school.example"_s, u"1A"_s);
    CancelAfter progress;
    QVERIFY_THROWS_EXCEPTION(Cancelled, RosterBuilder().build(logs.records(), {}, {}, {}, &progress));
}

void tst_RosterBuilder::readRoster_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("warnings");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");
    QTest::addColumn<QString>("guardians");
    QTest::addColumn<QString>("classCode");
    QTest::newRow("surname given home group") << u"roster_surname_given_homegroup.csv"_s << 3 << 0 << u"0421"_s
                                              << u"Tama"_s << u"Ngata"_s << u"kiri.ngata@mail.example"_s << u"2A"_s;
    QTest::newRow("last name preferred class") << u"roster_lastname_preferred_class.csv"_s << 2 << 0 << u"3430"_s
                                               << u"Mia"_s << u"Van der Berg"_s
                                               << u"a.berg@mail.example; b.berg@mail.example"_s << u"5JT"_s;
    QTest::newRow("full name column") << u"roster_full_name_column.csv"_s << 2 << 0 << u"77"_s << u"Aroha"_s
                                      << u"Te Whata"_s << QString() << u"1B"_s;
    QTest::newRow("missing id and repeated id") << u"roster_missing_and_repeated_ids.csv"_s << 2 << 2 << u"12"_s
                                                << u"Luca"_s << u"D'Angelo"_s << QString() << u"4C"_s;
}

void tst_RosterBuilder::readRoster()
{
    QFETCH(QString, file);
    QFETCH(int, rows);
    QFETCH(int, warnings);
    QFETCH(QString, id);
    QFETCH(QString, first);
    QFETCH(QString, last);
    QFETCH(QString, guardians);
    QFETCH(QString, classCode);
    QStringList w;
    const std::vector<RosterEntry> entries = readRosterCsv(dataDir() + file, &w);
    QCOMPARE(int(entries.size()), rows);
    QCOMPARE(int(w.size()), warnings);
    const RosterEntry &e = entries.front();
    QCOMPARE(e.studentId, id);
    QCOMPARE(e.firstName, first);
    QCOMPARE(e.lastName, last);
    QCOMPARE(e.guardians, guardians);
    QCOMPARE(e.classCode, classCode);
    QCOMPARE(e.row, 2);
}

void tst_RosterBuilder::schoolListColumnsByHand()
{
    // Headers no alias knows: the mapping step must be able to name the columns.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"pupils.csv"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("Pupil Ref,Given,Family,Form Group,Carer 1\n"
            "0421,Mia,Van der Berg,5JT,Ana Van der Berg\n"
            "0422,Liam,Te Whata,5JT,\n"
            "0423,Aroha,Smith-Jones,6KB,Ben Smith\n");
    f.close();

    SchoolListColumns c = detectSchoolListColumns(path, SchoolListColumns::Roster);
    QCOMPARE(c.headers, (QStringList{u"Pupil Ref"_s, u"Given"_s, u"Family"_s, u"Form Group"_s, u"Carer 1"_s}));
    QCOMPARE(c.headerRow, 1);
    QCOMPARE(int(c.preview.size()), 3);
    QCOMPARE(c.column(u"firstName"_s), 1);
    QCOMPARE(c.column(u"lastName"_s), 2);
    QCOMPARE(c.column(u"studentId"_s), -1);
    QVERIFY(c.problem().contains(u"student ID"_s));
    bool threw = false;
    try {
        readRosterCsv(path);
    } catch (const SourceError &e) {
        threw = e.message().contains(u"pupils.csv row 1"_s);
    }
    QVERIFY(threw);

    c.setColumn(u"studentId"_s, 0);
    c.setColumn(u"class"_s, 1);
    QVERIFY(c.problem().contains(u"Given"_s)); // the same column for two fields is caught
    c.setColumn(u"class"_s, 3);
    c.guardians = {4};
    QCOMPARE(c.problem(), QString());
    QStringList warnings;
    const std::vector<RosterEntry> entries = readRosterCsv(path, &warnings, &c);
    QCOMPARE(int(entries.size()), 3);
    QCOMPARE(warnings, QStringList());
    QCOMPARE(entries[0].studentId, u"0421"_s);
    QCOMPARE(entries[0].lastName, u"Van der Berg"_s);
    QCOMPARE(entries[0].classCode, u"5JT"_s);
    QCOMPARE(entries[0].guardians, u"Ana Van der Berg"_s);
    QCOMPARE(entries[2].classCode, u"6KB"_s);

    // the file changed under the chosen columns: refused, not misread
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("Family,Given,Pupil Ref\nChen,Ivy,0500\n");
    f.close();
    threw = false;
    try {
        readRosterCsv(path, nullptr, &c);
    } catch (const SourceError &e) {
        threw = e.message().contains(u"file changed"_s);
    }
    QVERIFY(threw);

    // staff: only the e-mail column is required
    const QString staff = dir.filePath(u"staff.csv"_s);
    QFile g(staff);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("Who,Address,Job\nJo Park,jo.park@school.example,Assistant Principal\n");
    g.close();
    SchoolListColumns sc = detectSchoolListColumns(staff, SchoolListColumns::Staff);
    QVERIFY(!sc.problem().isEmpty());
    sc.setColumn(u"email"_s, 1);
    sc.setColumn(u"name"_s, 0);
    sc.setColumn(u"role"_s, 2);
    const std::vector<StaffEntry> people = readStaffCsv(staff, nullptr, &sc);
    QCOMPARE(int(people.size()), 1);
    QCOMPARE(people[0].email, u"jo.park@school.example"_s);
    QCOMPARE(people[0].displayName, u"Jo Park"_s);
    QCOMPARE(people[0].role, u"admin"_s);
}

void tst_RosterBuilder::readRosterErrors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("no id column") << u"roster_no_id_column.csv"_s << u"no student id column"_s;
    QTest::newRow("missing file") << u"does_not_exist.csv"_s << u"does not exist"_s;
}

void tst_RosterBuilder::readRosterErrors()
{
    QFETCH(QString, file);
    QFETCH(QString, messagePart);
    try {
        readRosterCsv(dataDir() + file);
        QFAIL("no SourceError");
    } catch (const SourceError &e) {
        QVERIFY2(e.message().contains(messagePart), qPrintable(e.message()));
        QVERIFY2(e.message().contains(file), qPrintable(e.message()));
    }
}

void tst_RosterBuilder::readStaff()
{
    QStringList w;
    const std::vector<StaffEntry> staff = readStaffCsv(dataDir() + u"staff_display_name_position.csv"_s, &w);
    QCOMPARE(staff.size(), size_t(3));
    QCOMPARE(w.size(), 1); // a row without an email address
    QCOMPARE(staff[0].email, u"jane.smith@school.example"_s); // case-folded and trimmed
    QCOMPARE(staff[0].displayName, u"Jane Smith"_s);
    QCOMPARE(staff[0].role, u"teacher"_s);
    QCOMPARE(staff[1].role, u"admin"_s);
    QCOMPARE(staff[1].roleText, u"Assistant Principal"_s);
    QCOMPARE(staff[2].role, u"admin"_s);
    QVERIFY_THROWS_EXCEPTION(SourceError, readStaffCsv(dataDir() + u"roster_no_id_column.csv"_s));
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_RosterBuilder)
#include "tst_rosterbuilder.moc"
