// Each stage of the roster build (core/roster/rosterstages.h) on its own: the stages before it are run to give
// it its evidence, then what it added to the state is checked. Tables, negative cases included: two real
// children are never made one, namesakes in different classes stay two, twins whose classes contradict stay apart.
#include "roster/rosterrules.h"
#include "roster/rosterstages.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

using namespace tt::stages;

constexpr qint64 kDay = 24LL * 3600 * 1000;
const qint64 kStart = QDateTime(QDate(2025, 3, 3), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

// "id|name|email|class|location|day|times" (location defaults to Classroom, day to 0, times to 1): one row of
// logs, each with its own timestamp (a second apart, in row order).
std::vector<IncidentRecord> records(const QStringList &rows)
{
    std::vector<IncidentRecord> out;
    for (const QString &row : rows) {
        const QStringList f = row.split(u'|');
        const int times = f.size() > 6 ? f[6].toInt() : 1;
        for (int i = 0; i < times; ++i) {
            IncidentRecord r;
            r.uuid = u"00000000-0000-4000-8000-%1"_s.arg(out.size(), 12, 10, QChar(u'0'));
            r.timestampMs = kStart + (f.size() > 5 ? f[5].toLongLong() : 0) * kDay + qint64(out.size()) * 1000;
            r.type = RecordType::Incident;
            r.studentId = f.value(0);
            r.studentName = f.value(1);
            r.teacherEmail = f.value(2);
            r.classCode = f.value(3);
            r.location = f.size() > 4 && !f[4].isEmpty() ? f[4] : u"Classroom"_s;
            r.level = u"Minor"_s;
            r.category = u"Disruption"_s;
            out.push_back(r);
        }
    }
    return out;
}

// "id|first|last|class"
std::vector<RosterEntry> schoolList(const QStringList &rows)
{
    std::vector<RosterEntry> out;
    for (const QString &row : rows) {
        const QStringList f = row.split(u'|');
        out.push_back(RosterEntry{f.value(0), f.value(1), f.value(2), {}, f.value(3), {}, qint64(out.size() + 2)});
    }
    return out;
}

// "email|name|role"
std::vector<StaffEntry> staffList(const QStringList &rows)
{
    std::vector<StaffEntry> out;
    for (const QString &row : rows) {
        const QStringList f = row.split(u'|');
        out.push_back(StaffEntry{f.value(0), f.value(1), f.value(2), f.value(2), qint64(out.size() + 2)});
    }
    return out;
}

enum Stage { Evidence, ClassCodes, Teachers, Ids, Names, Namesakes, Links, Classes, Classrooms, Suggestions, Checks };

// The inputs of one case and the state after running the stages up to one of them.
struct Run
{
    std::vector<IncidentRecord> logs;
    std::vector<RosterEntry> list;
    std::vector<StaffEntry> staff;
    RosterDecisions decisions;
    RosterBuilderOptions options;
    BuildState st;

    void through(Stage last)
    {
        using StageFn = void (*)(const BuildInputs &, BuildState &);
        static const StageFn all[] = {&collectEvidence,    &settleClassCodes, &buildTeachers,   &resolveStudentIds,
                                      &chooseStudentNames, &findNamesakes,    &linkRecords,     &inferStudentClasses,
                                      &buildClassrooms,    &suggestClassesFromHomerooms, &countAndCheck};
        const BuildInputs in{logs, list, staff, decisions, options, nullptr};
        for (int s = 0; s <= int(last); ++s)
            all[s](in, st);
    }
    int student(const QString &id) const { return st.studentById.value(id, -1); }
    const Conflict *conflict(const QString &kind, const QString &subject) const
    {
        for (const Conflict &c : st.conflicts)
            if (c.kind == kind && c.subject == subject)
                return &c;
        return nullptr;
    }
    const TeacherDraft *teacher(const QString &email) const
    {
        for (const TeacherDraft &t : st.tdrafts)
            if (t.email == email)
                return &t;
        return nullptr;
    }
    const ClassroomDraft *classroom(const QString &code) const
    {
        for (const ClassroomDraft &c : st.cdrafts)
            if (c.code == code)
                return &c;
        return nullptr;
    }
};

// "none" when there is no conflict, "question" when it is asked, else the rule that settled it.
QString verdict(const Conflict *c)
{
    if (!c)
        return u"none"_s;
    return c->needsDecision ? u"question"_s : c->settledBy;
}

} // namespace

class tst_RosterStages : public QObject
{
    Q_OBJECT
private slots:
    void collectEvidence_data();
    void collectEvidence();
    void settleClassCodes_data();
    void settleClassCodes();
    void buildTeachers_data();
    void buildTeachers();
    void resolveStudentIds_data();
    void resolveStudentIds();
    void chooseStudentNames_data();
    void chooseStudentNames();
    void findNamesakes_data();
    void findNamesakes();
    void linkRecords_data();
    void linkRecords();
    void inferStudentClasses_data();
    void inferStudentClasses();
    void buildClassrooms_data();
    void buildClassrooms();
    void suggestClassesFromHomerooms_data();
    void suggestClassesFromHomerooms();
};

// ---- collectEvidence ----------------------------------------------------------------------------------------------

void tst_RosterStages::collectEvidence_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<int>("teachers");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("ids");
    QTest::addColumn<int>("withoutId");
    QTest::newRow("emails and class codes folded (case, spaces)")
        << QStringList{u"1|Ann Lee|A.Lee@x.org|3A"_s, u"1|Ann Lee| a.lee@x.org |3a "_s} << 1 << 1 << 1 << 0;
    QTest::newRow("two teachers, two classes")
        << QStringList{u"1|Ann Lee|a.lee@x.org|3A"_s, u"2|Bo Ray|b.ray@x.org|4B"_s} << 2 << 2 << 2 << 0;
    QTest::newRow("a log without id is kept aside")
        << QStringList{u"|Ann Lee|a.lee@x.org|3A"_s, u"2|Bo Ray|a.lee@x.org|3A"_s} << 1 << 1 << 1 << 1;
    QTest::newRow("a log without class counts no class")
        << QStringList{u"1|Ann Lee|a.lee@x.org|"_s} << 1 << 0 << 1 << 0;
    QTest::newRow("NEG ids differing by a zero are not folded here")
        << QStringList{u"0421|Mia Chen|a.lee@x.org|3A"_s, u"421|Mia Chen|a.lee@x.org|3A"_s} << 1 << 1 << 2 << 0;
}

void tst_RosterStages::collectEvidence()
{
    QFETCH(QStringList, logs);
    QFETCH(int, teachers);
    QFETCH(int, classes);
    QFETCH(int, ids);
    QFETCH(int, withoutId);
    Run run;
    run.logs = records(logs);
    run.through(Evidence);
    QCOMPARE(int(run.st.teachers.size()), teachers);
    QCOMPARE(int(run.st.classes.size()), classes);
    QSet<QString> distinct;
    int idLogs = 0;
    for (const IdAgg &ia : run.st.ids) {
        distinct.insert(ia.id);
        idLogs += ia.logs;
    }
    QCOMPARE(int(distinct.size()), ids);
    QCOMPARE(int(run.st.noId.size()), withoutId);
    QCOMPARE(idLogs + withoutId, int(run.logs.size())); // every record counted once
    QCOMPARE(run.st.recTeacher.size(), run.logs.size());
}

// ---- settleClassCodes ---------------------------------------------------------------------------------------------

void tst_RosterStages::settleClassCodes_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QStringList>("list");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("fromListOnly");
    const QString t = u"a.lee@x.org"_s;
    QTest::newRow("the most logged spelling")
        << QStringList{u"1|Ann Lee|%1|5jt|Classroom|0|3"_s.arg(t), u"1|Ann Lee|%1|5JT"_s.arg(t)} << QStringList{}
        << u"5jt"_s << u"5jt"_s << false;
    QTest::newRow("a tie: the first in code order")
        << QStringList{u"1|Ann Lee|%1|5jt"_s.arg(t), u"1|Ann Lee|%1|5JT"_s.arg(t)} << QStringList{} << u"5jt"_s
        << u"5JT"_s << false;
    QTest::newRow("spaces around a code do not make another class")
        << QStringList{u"1|Ann Lee|%1|5JT "_s.arg(t), u"1|Ann Lee|%1| 5JT"_s.arg(t), u"1|Ann Lee|%1|5jt"_s.arg(t)}
        << QStringList{} << u"5jt"_s << u"5JT"_s << false;
    QTest::newRow("a class only the school's list names")
        << QStringList{u"1|Ann Lee|%1|3A"_s.arg(t)} << QStringList{u"9|Bo|Ray|6B"_s} << u"6b"_s << u"6B"_s << true;
    QTest::newRow("NEG a logged class is not list-only")
        << QStringList{u"1|Ann Lee|%1|3A"_s.arg(t)} << QStringList{u"1|Ann|Lee|3a"_s} << u"3a"_s << u"3A"_s << false;
}

void tst_RosterStages::settleClassCodes()
{
    QFETCH(QStringList, logs);
    QFETCH(QStringList, list);
    QFETCH(QString, key);
    QFETCH(QString, code);
    QFETCH(bool, fromListOnly);
    Run run;
    run.logs = records(logs);
    run.list = schoolList(list);
    run.through(ClassCodes);
    QVERIFY(run.st.classByKey.contains(key));
    const ClassAgg &c = run.st.classes[size_t(run.st.classByKey.value(key))];
    QCOMPARE(c.code, code);
    QCOMPARE(c.fromRoster, fromListOnly);
    QCOMPARE(run.st.classCodeOf(key.toUpper() + u' '), code);
    QCOMPARE(run.st.classTeachers.size(), run.st.classes.size());
}

// ---- buildTeachers ------------------------------------------------------------------------------------------------

void tst_RosterStages::buildTeachers_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QStringList>("staff");
    QTest::addColumn<QString>("email");
    QTest::addColumn<bool>("specialist");
    QTest::addColumn<QString>("displayName");
    QTest::addColumn<QString>("role");
    const QString art = u"art.room@x.org"_s;
    const QStringList threeClassesSpecialist{u"1|Ann Lee|%1|3A|Specialist|0|4"_s.arg(art),
                                             u"2|Bo Ray|%1|3B|Specialist|0|4"_s.arg(art),
                                             u"3|Cy Dee|%1|3C|Specialist|0|4"_s.arg(art)};
    QTest::newRow("specialist: three classes, all at Specialist")
        << threeClassesSpecialist << QStringList{} << art << true << u"Art Room"_s << u"teacher"_s;
    QTest::newRow("NEG three classes, mostly in the classroom")
        << QStringList{u"1|Ann Lee|%1|3A|Classroom|0|4"_s.arg(art), u"2|Bo Ray|%1|3B|Classroom|0|4"_s.arg(art),
                       u"3|Cy Dee|%1|3C|Specialist|0|4"_s.arg(art)}
        << QStringList{} << art << false << u"Art Room"_s << u"teacher"_s;
    QTest::newRow("NEG two classes, all at Specialist")
        << QStringList{u"1|Ann Lee|%1|3A|Specialist|0|4"_s.arg(art), u"2|Bo Ray|%1|3B|Specialist|0|4"_s.arg(art)}
        << QStringList{} << art << false << u"Art Room"_s << u"teacher"_s;
    QTest::newRow("name and role from the staff list")
        << QStringList{u"1|Ann Lee|JTan@x.org|3A"_s} << QStringList{u"jtan@x.org|Jo Tan|admin"_s} << u"jtan@x.org"_s
        << false << u"Jo Tan"_s << u"admin"_s;
    QTest::newRow("NEG no name invented from a numbered email")
        << QStringList{u"1|Ann Lee|teacher07@x.org|3A"_s} << QStringList{} << u"teacher07@x.org"_s << false
        << QString() << u"teacher"_s;
    QTest::newRow("on the staff list only")
        << QStringList{u"1|Ann Lee|a.lee@x.org|3A"_s} << QStringList{u"kim.ford@x.org|Kim Ford|teacher"_s}
        << u"kim.ford@x.org"_s << false << u"Kim Ford"_s << u"teacher"_s;
}

void tst_RosterStages::buildTeachers()
{
    QFETCH(QStringList, logs);
    QFETCH(QStringList, staff);
    QFETCH(QString, email);
    QFETCH(bool, specialist);
    QFETCH(QString, displayName);
    QFETCH(QString, role);
    Run run;
    run.logs = records(logs);
    run.staff = staffList(staff);
    run.through(Teachers);
    QCOMPARE(run.st.tdrafts.size(), run.st.teachers.size());
    const TeacherDraft *t = run.teacher(email);
    QVERIFY(t);
    QCOMPARE(t->isSpecialist, specialist);
    QCOMPARE(t->displayName, displayName);
    QCOMPARE(t->role, role);
    QCOMPARE(t->inStaffList, !staff.isEmpty() && staff.first().startsWith(email));
}

// ---- resolveStudentIds --------------------------------------------------------------------------------------------

void tst_RosterStages::resolveStudentIds_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QStringList>("list");
    QTest::addColumn<QStringList>("keptApart");
    QTest::addColumn<QStringList>("students");
    QTest::addColumn<QString>("verdict"); // of the leadingZeros conflict about the first student
    const QString t = u"a.lee@x.org"_s;
    QTest::newRow("leading-zero twins are one student")
        << QStringList{u"0421|Mia Chen|%1|3A|Classroom|0|3"_s.arg(t), u"421|Mia Chen|%1|3A|Classroom|5|2"_s.arg(t)}
        << QStringList{} << QStringList{} << QStringList{u"0421"_s} << QString::fromLatin1(rules::LeadingZeroTwins);
    QTest::newRow("the school's list holds the id with the zero")
        << QStringList{u"421|Mia Chen|%1|3A|Classroom|0|3"_s.arg(t)} << QStringList{u"0421|Mia|Chen|3A"_s}
        << QStringList{} << QStringList{u"0421"_s} << QString::fromLatin1(rules::LeadingZeroTwins);
    QTest::newRow("NEG twins with inconsistent classes stay apart")
        << QStringList{u"0421|Mia Chen|%1|3A|Classroom|0|2"_s.arg(t), u"421|Mia Chen|b.ray@x.org|5B|Classroom|0|2"_s,
                       u"0421|Mia Chen|%1|3A|Classroom|20|2"_s.arg(t), u"421|Mia Chen|b.ray@x.org|5B|Classroom|20|2"_s}
        << QStringList{} << QStringList{} << QStringList{u"0421"_s, u"421"_s} << u"question"_s;
    QTest::newRow("NEG twins whose names differ stay apart")
        << QStringList{u"0421|Mia Chen|%1|3A"_s.arg(t), u"421|Tom Fox|%1|3A"_s.arg(t)} << QStringList{}
        << QStringList{} << QStringList{u"0421"_s, u"421"_s} << u"question"_s;
    QTest::newRow("NEG kept apart by the administrator")
        << QStringList{u"0421|Mia Chen|%1|3A|Classroom|0|3"_s.arg(t), u"421|Mia Chen|%1|3A|Classroom|5|2"_s.arg(t)}
        << QStringList{} << QStringList{u"421"_s} << QStringList{u"0421"_s, u"421"_s} << u"none"_s;
    QTest::newRow("NEG two real children: different ids never merged")
        << QStringList{u"17|Ava Ng|%1|3A|Classroom|0|3"_s.arg(t), u"18|Ava Ng|%1|3A|Classroom|0|3"_s.arg(t)}
        << QStringList{} << QStringList{} << QStringList{u"17"_s, u"18"_s} << u"none"_s;
}

void tst_RosterStages::resolveStudentIds()
{
    QFETCH(QStringList, logs);
    QFETCH(QStringList, list);
    QFETCH(QStringList, keptApart);
    QFETCH(QStringList, students);
    QFETCH(QString, verdict);
    Run run;
    run.logs = records(logs);
    run.list = schoolList(list);
    for (const QString &id : keptApart)
        run.decisions.keepStudentIdApart(id);
    run.through(Ids);
    QStringList ids;
    for (const StudentWork &sw : run.st.students)
        ids.append(sw.id);
    ids.sort();
    QCOMPARE(ids, students);
    const Conflict *c = nullptr;
    for (const Conflict &k : run.st.conflicts)
        if (k.kind == u"leadingZeros"_s && k.subject.contains(students.first()))
            c = &k;
    QCOMPARE(tt::test::verdict(c), verdict);
    // every logged id went to exactly one student, and the merged ones are listed as logged ids
    int logged = 0;
    for (const StudentWork &sw : run.st.students)
        logged += sw.logs;
    QCOMPARE(logged, int(run.logs.size()));
    if (students.size() == 1 && !run.st.students.empty()) {
        const StudentWork &sw = run.st.students[size_t(run.student(students.first()))];
        QCOMPARE(sw.loggedIds, QStringList{u"421"_s});
    }
}

// ---- chooseStudentNames -------------------------------------------------------------------------------------------

void tst_RosterStages::chooseStudentNames_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QStringList>("list");
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("verdict"); // of the nameVariants conflict
    const QString t = u"a.lee@x.org"_s;
    QTest::newRow("one spelling: nothing to settle")
        << QStringList{u"5|Mia Chen|%1|3A|Classroom|0|3"_s.arg(t)} << QStringList{} << u"Mia"_s << u"Chen"_s
        << u"logs"_s << u"none"_s;
    QTest::newRow("the well-formed spelling over a more logged lower case")
        << QStringList{u"5|Mia Chen|%1|3A|Classroom|0|2"_s.arg(t), u"5|mia chen|%1|3A|Classroom|1|5"_s.arg(t)}
        << QStringList{} << u"Mia"_s << u"Chen"_s << u"logs"_s << QString::fromLatin1(rules::MajoritySpelling);
    QTest::newRow("a clear majority settles a typo")
        << QStringList{u"5|Mia Chen|%1|3A|Classroom|0|6"_s.arg(t), u"5|Mia Chne|%1|3A|Classroom|1|1"_s.arg(t)}
        << QStringList{} << u"Mia"_s << u"Chen"_s << u"logs"_s << QString::fromLatin1(rules::MajoritySpelling);
    QTest::newRow("NEG no clear majority: a question")
        << QStringList{u"5|Mia Chne|%1|3A|Classroom|0|1"_s.arg(t), u"5|Mia Chen|%1|3A|Classroom|1|1"_s.arg(t)}
        << QStringList{} << u"Mia"_s << u"Chen"_s << u"logs"_s << u"question"_s; // the latest of equals
    QTest::newRow("the school's list names the student")
        << QStringList{u"5|Mia Chen|%1|3A|Classroom|0|2"_s.arg(t), u"5|Mia Chne|%1|3A|Classroom|1|1"_s.arg(t)}
        << QStringList{u"5|Mia|Chen-Li|3A"_s} << u"Mia"_s << u"Chen-Li"_s << u"school roster"_s << u"none"_s;
}

void tst_RosterStages::chooseStudentNames()
{
    QFETCH(QStringList, logs);
    QFETCH(QStringList, list);
    QFETCH(QString, first);
    QFETCH(QString, last);
    QFETCH(QString, source);
    QFETCH(QString, verdict);
    Run run;
    run.logs = records(logs);
    run.list = schoolList(list);
    run.through(Names);
    QCOMPARE(run.st.sdrafts.size(), run.st.students.size());
    const StudentDraft &d = run.st.sdrafts[size_t(run.student(u"5"_s))];
    QCOMPARE(d.firstName, first);
    QCOMPARE(d.lastName, last);
    QCOMPARE(d.nameSource, source);
    QCOMPARE(tt::test::verdict(run.conflict(u"nameVariants"_s, u"5"_s)), verdict);
    // the list's name differing from the logs' is asked about
    QCOMPARE(run.conflict(u"idClash"_s, u"5"_s) != nullptr, !list.isEmpty());
}

// ---- findNamesakes ------------------------------------------------------------------------------------------------

void tst_RosterStages::findNamesakes_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QStringList>("list");
    QTest::addColumn<QString>("verdict"); // of the idClash conflict "17 / 18"
    const QString a = u"a.lee@x.org"_s, b = u"b.ray@x.org"_s;
    QTest::newRow("NEG namesakes in different classes stay two (settled)")
        << QStringList{u"17|Ava Ng|%1|3A|Classroom|0|2"_s.arg(a), u"18|Ava Ng|%1|4B|Classroom|0|2"_s.arg(b),
                       u"17|Ava Ng|%1|3A|Classroom|30|2"_s.arg(a), u"18|Ava Ng|%1|4B|Classroom|30|2"_s.arg(b)}
        << QStringList{} << QString::fromLatin1(rules::NamesakesDifferentClasses);
    QTest::newRow("NEG namesakes in one class stay two (asked)")
        << QStringList{u"17|Ava Ng|%1|3A|Classroom|0|2"_s.arg(a), u"18|Ava Ng|%1|3A|Classroom|0|2"_s.arg(a)}
        << QStringList{} << u"question"_s;
    QTest::newRow("namesakes both on the school's list")
        << QStringList{u"17|Ava Ng|%1|3A|Classroom|0|2"_s.arg(a), u"18|Ava Ng|%1|3A|Classroom|0|2"_s.arg(a)}
        << QStringList{u"17|Ava|Ng|3A"_s, u"18|Ava|Ng|3A"_s} << QString::fromLatin1(rules::NamesakesOnSchoolList);
    QTest::newRow("different names: no namesakes")
        << QStringList{u"17|Ava Ng|%1|3A"_s.arg(a), u"18|Ben Ng|%1|3A"_s.arg(a)} << QStringList{} << u"none"_s;
}

void tst_RosterStages::findNamesakes()
{
    QFETCH(QStringList, logs);
    QFETCH(QStringList, list);
    QFETCH(QString, verdict);
    Run run;
    run.logs = records(logs);
    run.list = schoolList(list);
    run.through(Namesakes);
    QVERIFY(run.student(u"17"_s) >= 0);
    QVERIFY(run.student(u"18"_s) >= 0);
    QVERIFY(run.student(u"17"_s) != run.student(u"18"_s)); // never one student
    QCOMPARE(tt::test::verdict(run.conflict(u"idClash"_s, u"17 / 18"_s)), verdict);
}

// ---- linkRecords --------------------------------------------------------------------------------------------------

void tst_RosterStages::linkRecords_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QString>("name"); // of the one log without id (the last record)
    QTest::addColumn<QString>("linkedTo");
    QTest::addColumn<QString>("reason");
    const QString a = u"a.lee@x.org"_s;
    const QString ava = u"17|Ava Ng|%1|3A"_s.arg(a), ben = u"18|Ben Ox|%1|3A"_s.arg(a);
    QTest::newRow("the one student with the name") << QStringList{ava, ben} << u"Ava Ng"_s << u"17"_s << QString();
    QTest::newRow("case and spacing do not matter") << QStringList{ava, ben} << u"ava  NG"_s << u"17"_s << QString();
    QTest::newRow("NEG two students with the name: unlinked")
        << QStringList{ava, u"19|Ava Ng|%1|4B"_s.arg(a)} << u"Ava Ng"_s << QString()
        << u"no student id, and 2 students have this name"_s;
    QTest::newRow("NEG no student with the name: unlinked")
        << QStringList{ava, ben} << u"Cy Dee"_s << QString() << u"no student id, and no student with this name"_s;
}

void tst_RosterStages::linkRecords()
{
    QFETCH(QStringList, logs);
    QFETCH(QString, name);
    QFETCH(QString, linkedTo);
    QFETCH(QString, reason);
    Run run;
    run.logs = records(logs + QStringList{u"|%1|a.lee@x.org|"_s.arg(name)});
    run.through(Links);
    QCOMPARE(run.st.out.links.size(), run.logs.size());
    const RecordLink &link = run.st.out.links.back();
    QCOMPARE(link.studentId, linkedTo);
    QCOMPARE(link.studentReason, reason);
    QCOMPARE(link.teacherEmail, u"a.lee@x.org"_s);
    QCOMPARE(link.classroomReason, u"no class code in the sheet"_s);
    QCOMPARE(run.st.out.summary.student, qint64(run.logs.size()) - (linkedTo.isEmpty() ? 1 : 0));
    QCOMPARE(run.st.out.summary.classroom, qint64(run.logs.size()) - 1);
    if (!linkedTo.isEmpty())
        QCOMPARE(tt::test::verdict(run.conflict(u"noStudentId"_s, linkedTo)),
                 QString::fromLatin1(rules::UniqueNameMatch));
    else
        QCOMPARE(tt::test::verdict(run.conflict(u"noStudentId"_s, name)), u"question"_s);
}

// ---- inferStudentClasses ------------------------------------------------------------------------------------------

void tst_RosterStages::inferStudentClasses_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QStringList>("list");
    QTest::addColumn<QString>("classCode");
    QTest::addColumn<int>("stints");
    QTest::addColumn<QString>("question"); // the kind asked about student 5, or empty
    const QString a = u"a.lee@x.org"_s, b = u"b.ray@x.org"_s;
    QTest::newRow("one class") << QStringList{u"5|Ava Ng|%1|3A|Classroom|0|4"_s.arg(a)} << QStringList{} << u"3A"_s
                               << 1 << QString();
    QTest::newRow("a move long before the last logs")
        << QStringList{u"5|Ava Ng|%1|3A|Classroom|0|10"_s.arg(a), u"5|Ava Ng|%1|4B|Classroom|100|3"_s.arg(b)}
        << QStringList{} << u"4B"_s << 2 << QString();
    QTest::newRow("NEG one stray log does not move a student")
        << QStringList{u"5|Ava Ng|%1|5C|Classroom|0|10"_s.arg(a), u"5|Ava Ng|%1|5C|Classroom|95|3"_s.arg(a),
                       u"5|Ava Ng|%1|6D|Classroom|100|1"_s.arg(b)}
        << QStringList{} << u"5C"_s << 2 << u"twoClasses"_s;
    QTest::newRow("A, then B, then back in A")
        << QStringList{u"5|Ava Ng|%1|3A|Classroom|0|5"_s.arg(a), u"5|Ava Ng|%1|4B|Classroom|50|3"_s.arg(b),
                       u"5|Ava Ng|%1|3A|Classroom|100|4"_s.arg(a)}
        << QStringList{} << u"3A"_s << 3 << QString();
    QTest::newRow("the school's list wins over the logs")
        << QStringList{u"5|Ava Ng|%1|3A|Classroom|0|4"_s.arg(a)} << QStringList{u"5|Ava|Ng|4b"_s} << u"4B"_s << 1
        << u"classMismatch"_s;
    QTest::newRow("a later log without a class code does not empty the window")
        << QStringList{u"5|Ava Ng|%1|3A|Classroom|0|4"_s.arg(a), u"5|Ava Ng|admin@x.org||Yard|60|1"_s}
        << QStringList{} << u"3A"_s << 1 << QString();
    QTest::newRow("a move, then logs without a class code")
        << QStringList{u"5|Ava Ng|%1|3A|Classroom|0|6"_s.arg(a), u"5|Ava Ng|%1|4B|Classroom|50|2"_s.arg(b),
                       u"5|Ava Ng|admin@x.org||Yard|100|3"_s}
        << QStringList{} << u"4B"_s << 2 << QString();
    QTest::newRow("NEG the window still ends at the last classed log: both classes there")
        << QStringList{u"5|Ava Ng|%1|3A|Classroom|40|3"_s.arg(a), u"5|Ava Ng|%1|4B|Classroom|50|1"_s.arg(b),
                       u"5|Ava Ng|admin@x.org||Yard|100|1"_s}
        << QStringList{} << u"3A"_s << 2 << u"twoClasses"_s;
    QTest::newRow("NEG no class code: no class here")
        << QStringList{u"5|Ava Ng|%1|"_s.arg(a)} << QStringList{} << QString() << 0 << QString();
}

void tst_RosterStages::inferStudentClasses()
{
    QFETCH(QStringList, logs);
    QFETCH(QStringList, list);
    QFETCH(QString, classCode);
    QFETCH(int, stints);
    QFETCH(QString, question);
    Run run;
    run.logs = records(logs + QStringList{u"9|Kim Ford|b.ray@x.org|4B"_s}); // 4B is logged, so the list's "4b" is 4B
    run.list = schoolList(list);
    run.through(Classes);
    const StudentDraft &d = run.st.sdrafts[size_t(run.student(u"5"_s))];
    QCOMPARE(d.classCode, classCode);
    QCOMPARE(int(d.classHistory.size()), stints);
    for (const QString &kind : {u"twoClasses"_s, u"classMismatch"_s})
        QCOMPARE(run.conflict(kind, u"5"_s) != nullptr, kind == question);
}

// ---- buildClassrooms ----------------------------------------------------------------------------------------------

void tst_RosterStages::buildClassrooms_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QString>("homeroom");
    QTest::addColumn<bool>("close");
    QTest::addColumn<QStringList>("specialists");
    const QString a = u"a.lee@x.org"_s, b = u"b.ray@x.org"_s, art = u"art.room@x.org"_s;
    QTest::newRow("a clear homeroom teacher")
        << QStringList{u"1|Ava Ng|%1|3A|Classroom|0|10"_s.arg(a), u"1|Ava Ng|%1|3A|Classroom|0|2"_s.arg(b)} << a
        << false << QStringList{};
    QTest::newRow("NEG a close call is asked")
        << QStringList{u"1|Ava Ng|%1|3A|Classroom|0|5"_s.arg(a), u"1|Ava Ng|%1|3A|Classroom|0|4"_s.arg(b)} << a
        << true << QStringList{};
    QTest::newRow("NEG yard logs do not make a homeroom")
        << QStringList{u"1|Ava Ng|%1|3A|Yard|0|10"_s.arg(a), u"1|Ava Ng|%1|3A|Classroom|0|3"_s.arg(b)} << b
        << false << QStringList{};
    QTest::newRow("NEG a specialist is not the homeroom teacher")
        << QStringList{u"1|Ava Ng|%1|3A|Specialist|0|9"_s.arg(art), u"2|Bo Ray|%1|3B|Specialist|0|5"_s.arg(art),
                       u"3|Cy Dee|%1|3C|Specialist|0|5"_s.arg(art), u"1|Ava Ng|%1|3A|Classroom|0|4"_s.arg(a)}
        << a << false << QStringList{art};
}

void tst_RosterStages::buildClassrooms()
{
    QFETCH(QStringList, logs);
    QFETCH(QString, homeroom);
    QFETCH(bool, close);
    QFETCH(QStringList, specialists);
    Run run;
    run.logs = records(logs);
    run.through(Classrooms);
    const ClassroomDraft *c = run.classroom(u"3A"_s);
    QVERIFY(c);
    QCOMPARE(c->homeroomTeacherEmail, homeroom);
    QCOMPARE(run.conflict(u"closeHomeroom"_s, u"3A"_s) != nullptr, close);
    QCOMPARE(c->specialistEmails, specialists);
}

// ---- suggestClassesFromHomerooms ----------------------------------------------------------------------------------

void tst_RosterStages::suggestClassesFromHomerooms_data()
{
    QTest::addColumn<QStringList>("logs");
    QTest::addColumn<QString>("classCode");
    const QString g = u"g.hill@x.org"_s, art = u"art.room@x.org"_s;
    QStringList school{u"1|Ida Bell|%1|2A|Classroom|0|10"_s.arg(g)};
    for (int c = 0; c < 4; ++c)
        school << u"1|Ida Bell|%1|%2X|Specialist|1|3"_s.arg(art).arg(c);
    QTest::newRow("logged by the homeroom teacher of one class") << (school + QStringList{u"99|Ava Ng|%1|"_s.arg(g)})
                                                                 << u"2A"_s;
    QTest::newRow("NEG only a specialist logged them") << (school + QStringList{u"99|Ava Ng|%1|"_s.arg(art)})
                                                       << QString();
    QTest::newRow("NEG the teacher is the homeroom teacher of two classes")
        << (school + QStringList{u"2|Jo Ash|%1|2B|Classroom|0|10"_s.arg(g), u"99|Ava Ng|%1|"_s.arg(g)}) << QString();
}

void tst_RosterStages::suggestClassesFromHomerooms()
{
    QFETCH(QStringList, logs);
    QFETCH(QString, classCode);
    Run run;
    run.logs = records(logs);
    run.through(Suggestions);
    const StudentDraft &d = run.st.sdrafts[size_t(run.student(u"99"_s))];
    QCOMPARE(d.classCode, classCode);
    QCOMPARE(tt::test::verdict(run.conflict(u"noClass"_s, u"99"_s)), u"question"_s); // a suggestion is still asked
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_RosterStages)
#include "tst_rosterstages.moc"
