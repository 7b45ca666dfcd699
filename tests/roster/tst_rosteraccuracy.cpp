// Ground truth accuracy: the roster rebuilt from the fixture generator's clean logs, compared with the school
// the generator invented. Prints the figures; asserts high thresholds.
#include "fixturegenerator.h"
#include "roster/rosterbuilder.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

class tst_RosterAccuracy : public QObject
{
    Q_OBJECT
private slots:
    void accuracy_data();
    void accuracy();
};

void tst_RosterAccuracy::accuracy_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<bool>("schoolRecords");
    QTest::addColumn<double>("minNames");
    QTest::addColumn<double>("minClasses");
    for (quint64 seed : {1ULL, 20251124ULL, 7ULL}) {
        QTest::addRow("seed %llu logs only", seed) << seed << false << 0.98 << 0.99;
        QTest::addRow("seed %llu with roster and staff", seed) << seed << true << 1.0 << 1.0;
    }
}

void tst_RosterAccuracy::accuracy()
{
    QFETCH(quint64, seed);
    QFETCH(bool, schoolRecords);
    QFETCH(double, minNames);
    QFETCH(double, minClasses);
    SchoolSpec spec;
    spec.seed = seed;
    const School school = generateSchool(spec);

    std::vector<RosterEntry> roster;
    std::vector<StaffEntry> staff;
    if (schoolRecords) {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        writeRosterCsv(school, tmp.filePath(u"roster.csv"_s));
        writeStaffCsv(school, tmp.filePath(u"staff.csv"_s));
        QStringList warnings;
        roster = readRosterCsv(tmp.filePath(u"roster.csv"_s), &warnings);
        staff = readStaffCsv(tmp.filePath(u"staff.csv"_s), &warnings);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
        QCOMPARE(roster.size(), school.students.size());
        QCOMPARE(staff.size(), school.teachers.size());
    }
    const Roster r = RosterBuilder().build(school.logs, roster, staff, {});

    // students
    int considered = 0, rightName = 0, rightClass = 0, found = 0;
    QStringList wrongNames, wrongClasses;
    for (const TruthStudent &t : school.students) {
        if (!t.hasLogs && !schoolRecords)
            continue;
        ++considered;
        const StudentDraft *s = r.student(t.studentId);
        if (!s)
            continue;
        ++found;
        if (s->firstName == t.firstName && s->lastName == t.lastName)
            ++rightName;
        else if (wrongNames.size() < 10)
            wrongNames.append(u"%1: '%2|%3' vs truth '%4|%5'"_s.arg(t.studentId, s->firstName, s->lastName,
                                                                   t.firstName, t.lastName));
        if (s->classCode == t.finalClassCode)
            ++rightClass;
        else if (wrongClasses.size() < 10)
            wrongClasses.append(u"%1: %2 vs truth %3"_s.arg(t.studentId, s->classCode, t.finalClassCode));
    }
    // classes
    int rightHomeroom = 0, rightSpecialists = 0;
    for (const TruthClass &c : school.classes) {
        const ClassroomDraft *d = r.classroom(c.code);
        if (!d)
            continue;
        if (d->homeroomTeacherEmail == c.homeroomEmail)
            ++rightHomeroom;
        if (d->specialistEmails == c.specialistEmails)
            ++rightSpecialists;
    }
    // teachers
    int specialistsTruth = 0, specialistsFound = 0, falseSpecialists = 0, rightDisplay = 0, rightRole = 0;
    for (const TruthTeacher &t : school.teachers) {
        const TeacherDraft *d = r.teacher(t.email);
        if (!d)
            continue;
        specialistsTruth += t.specialist;
        if (t.specialist && d->isSpecialist)
            ++specialistsFound;
        if (!t.specialist && d->isSpecialist)
            ++falseSpecialists;
        const QString expectedName = schoolRecords ? t.fullName : t.displayName;
        rightDisplay += d->displayName == expectedName;
        rightRole += d->role == (schoolRecords ? t.role : u"teacher"_s);
    }
    const double names = considered ? double(rightName) / considered : 0;
    const double classes = considered ? double(rightClass) / considered : 0;
    qInfo("seed %llu %s: students %d/%d found, names %.2f%%, classes %.2f%%; homerooms %d/%zu, class specialists "
          "%d/%zu; specialists found %d/%d (false %d); display names %d/%zu; roles %d/%zu; links student %lld/%lld "
          "classroom %lld; conflicts %zu",
          seed, schoolRecords ? "roster+staff" : "logs only", found, considered, 100 * names, 100 * classes,
          rightHomeroom, school.classes.size(), rightSpecialists, school.classes.size(), specialistsFound,
          specialistsTruth, falseSpecialists, rightDisplay, school.teachers.size(), rightRole,
          school.teachers.size(), r.summary.student, r.summary.total, r.summary.classroom, r.conflicts.size());
    for (const QString &w : wrongNames)
        qInfo("  name: %s", qPrintable(w));
    for (const QString &w : wrongClasses)
        qInfo("  class: %s", qPrintable(w));

    QCOMPARE(found, considered);
    QVERIFY2(names >= minNames, qPrintable(u"names %1"_s.arg(names)));
    QVERIFY2(classes >= minClasses, qPrintable(u"classes %1"_s.arg(classes)));
    QCOMPARE(rightHomeroom, int(school.classes.size()));
    QCOMPARE(rightSpecialists, int(school.classes.size()));
    QCOMPARE(specialistsFound, specialistsTruth);
    QCOMPARE(falseSpecialists, 0);
    QCOMPARE(rightDisplay, int(school.teachers.size()));
    QCOMPARE(rightRole, int(school.teachers.size()));
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_RosterAccuracy)
#include "tst_rosteraccuracy.moc"
