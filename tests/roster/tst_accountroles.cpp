// applyAccountRoles: ADMIN_EMAILS and SUPER_ADMIN_EMAILS of TrackTally's .env on a built roster, and, without
// them, the admin suggestion from the logs (a question, never a settlement). Negative cases included: a
// homeroom teacher, a specialist and a principal who logs a lot per class are never suggested.
#include "roster/accountroles.h"
#include "roster/rosterbuilder.h"

#include <QDateTime>
#include <QTest>

using namespace tt;
using namespace Qt::StringLiterals;

namespace {

const QString kPrincipal = u"principal.one@wattlegrove.example.edu.au"_s;
const QString kArt = u"art.teacher@wattlegrove.example.edu.au"_s;
const QString kOps = u"ops@tracktally.example.com"_s;
const QString kDeputy = u"deputy.two@wattlegrove.example.edu.au"_s;

QString homeroom(int c)
{
    return u"homeroom.%1@wattlegrove.example.edu.au"_s.arg(c);
}

// Five classes of four students, each class's homeroom teacher logging 5 times per student in class; the
// specialist logging at location Specialist in every class; the principal `principalPerClass` times per class
// in the yard without a class code; the operator `opsLogs` times.
std::vector<IncidentRecord> schoolLogs(int principalPerClass, int opsLogs)
{
    std::vector<IncidentRecord> out;
    const qint64 start = QDateTime(QDate(2025, 3, 3), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch();
    auto add = [&](int cls, int student, const QString &email, const QString &location, bool withClass) {
        IncidentRecord r;
        r.uuid = u"00000000-0000-4000-8000-%1"_s.arg(out.size(), 12, 10, QChar(u'0'));
        r.timestampMs = start + qint64(out.size()) * 60000;
        r.studentId = QString::number(1000 + cls * 10 + student);
        r.studentName = u"Student%1 Family%2"_s.arg(QChar(u'A' + student)).arg(cls);
        r.level = u"Minor"_s;
        r.category = u"Disruption"_s;
        r.location = location;
        r.teacherEmail = email;
        r.classCode = withClass ? u"%1A"_s.arg(cls) : QString();
        out.push_back(r);
    };
    for (int c = 1; c <= 5; ++c) {
        for (int s = 0; s < 4; ++s)
            for (int k = 0; k < 5; ++k)
                add(c, s, homeroom(c), u"Classroom"_s, true);
        for (int k = 0; k < 6; ++k)
            add(c, k % 4, kArt, u"Specialist"_s, true);
        for (int k = 0; k < principalPerClass; ++k)
            add(c, k % 4, kPrincipal, u"Yard"_s, false);
    }
    for (int k = 0; k < opsLogs; ++k)
        add(1, 0, kOps, u"Online"_s, true);
    return out;
}

const Conflict *conflictOf(const Roster &r, const QString &kind, const QString &subject)
{
    for (const Conflict &c : r.conflicts)
        if (c.kind == kind && c.subject == subject)
            return &c;
    return nullptr;
}

} // namespace

class tst_AccountRoles : public QObject
{
    Q_OBJECT

private slots:
    void roles_data();
    void roles();
    void conflictsStaySorted();
};

void tst_AccountRoles::roles_data()
{
    QTest::addColumn<QStringList>("admins");
    QTest::addColumn<QStringList>("superAdmins");
    QTest::addColumn<int>("principalPerClass");
    QTest::addColumn<int>("opsLogs");
    QTest::addColumn<bool>("opsOnStaffList");
    QTest::addColumn<QString>("decidedPrincipalRole"); // empty: no decision
    QTest::addColumn<QString>("principalRole");
    QTest::addColumn<QString>("principalConflict"); // kind, or empty
    QTest::addColumn<bool>("principalQuestion");     // that conflict needs a decision
    QTest::addColumn<bool>("opsIsTeacher");
    QTest::addColumn<QString>("opsConflict");

    const QStringList none;
    const QStringList ops{kOps};
    QTest::newRow("no lists: a principal's pattern is a question") << none << none << 1 << 0 << false << QString()
        << u"teacher"_s << u"adminSuggested"_s << true << false << QString();
    QTest::newRow("no lists: many logs per class is not a principal's pattern") << none << none << 6 << 0 << false
        << QString() << u"teacher"_s << QString() << false << false << QString();
    QTest::newRow("no lists: the administrator's decision stands") << none << none << 1 << 0 << false << u"admin"_s
        << u"admin"_s << QString() << false << false << QString();
    QTest::newRow("ADMIN_EMAILS: admin, settled") << QStringList{kPrincipal} << none << 1 << 0 << false << QString()
        << u"admin"_s << u"adminFromEnv"_s << false << false << QString();
    QTest::newRow("ADMIN_EMAILS: a principal who logs a lot is still admin") << QStringList{kPrincipal} << none << 6
        << 0 << false << QString() << u"admin"_s << u"adminFromEnv"_s << false << false << QString();
    QTest::newRow("ADMIN_EMAILS: the administrator's decision wins") << QStringList{kPrincipal} << none << 1 << 0
        << false << u"teacher"_s << u"teacher"_s << QString() << false << false << QString();
    QTest::newRow("SUPER_ADMIN_EMAILS on the staff list, no logs: not a teacher") << QStringList{kDeputy} << ops << 1
        << 0 << true << QString() << u"teacher"_s << QString() << false << false << u"superAdminNotStaff"_s;
    QTest::newRow("SUPER_ADMIN_EMAILS with logs: a teacher, for review") << QStringList{kDeputy} << ops << 1 << 3
        << false << QString() << u"teacher"_s << QString() << false << true << u"superAdminLogged"_s;
}

void tst_AccountRoles::roles()
{
    QFETCH(QStringList, admins);
    QFETCH(QStringList, superAdmins);
    QFETCH(int, principalPerClass);
    QFETCH(int, opsLogs);
    QFETCH(bool, opsOnStaffList);
    QFETCH(QString, decidedPrincipalRole);
    QFETCH(QString, principalRole);
    QFETCH(QString, principalConflict);
    QFETCH(bool, principalQuestion);
    QFETCH(bool, opsIsTeacher);
    QFETCH(QString, opsConflict);

    const std::vector<IncidentRecord> logs = schoolLogs(principalPerClass, opsLogs);
    std::vector<StaffEntry> staff;
    if (opsOnStaffList) {
        for (int c = 1; c <= 5; ++c)
            staff.push_back(StaffEntry{homeroom(c), QString(), u"teacher"_s, QString(), c});
        staff.push_back(StaffEntry{kArt, QString(), u"teacher"_s, QString(), 6});
        staff.push_back(StaffEntry{kPrincipal, QString(), QString(), QString(), 7});
        staff.push_back(StaffEntry{kOps, u"Ops"_s, u"teacher"_s, QString(), 8});
    }
    RosterDecisions decisions;
    if (!decidedPrincipalRole.isEmpty())
        decisions.setTeacherRole(kPrincipal, decidedPrincipalRole);
    Roster r = RosterBuilder().build(logs, {}, staff, decisions);
    QCOMPARE(r.links.size(), logs.size());
    const AccountLists lists{admins, superAdmins, u"/srv/tracktally/.env"_s};
    applyAccountRoles(r, logs, lists, decisions);

    const TeacherDraft *p = r.teacher(kPrincipal);
    QVERIFY(p);
    QCOMPARE(p->role, principalRole);
    if (principalConflict.isEmpty()) {
        QVERIFY(!conflictOf(r, u"adminSuggested"_s, kPrincipal));
        QVERIFY(!conflictOf(r, u"adminFromEnv"_s, kPrincipal));
    } else {
        const Conflict *c = conflictOf(r, principalConflict, kPrincipal);
        QVERIFY2(c, qPrintable(principalConflict));
        QCOMPARE(c->needsDecision, principalQuestion);
        QCOMPARE(c->settledBy.isEmpty(), principalQuestion);
        if (principalConflict == u"adminFromEnv")
            QVERIFY2(c->detail.contains(u"listed in ADMIN_EMAILS of /srv/tracktally/.env"_s), qPrintable(c->detail));
    }
    // Never suggested: homeroom teachers, the specialist.
    for (int c = 1; c <= 5; ++c) {
        QVERIFY(!conflictOf(r, u"adminSuggested"_s, homeroom(c)));
        QCOMPARE(r.teacher(homeroom(c))->role, u"teacher"_s);
    }
    QVERIFY(r.teacher(kArt)->isSpecialist);
    QVERIFY(!conflictOf(r, u"adminSuggested"_s, kArt));
    // Operators.
    QCOMPARE(r.teacher(kOps) != nullptr, opsIsTeacher);
    if (!opsConflict.isEmpty()) {
        const Conflict *c = conflictOf(r, opsConflict, kOps);
        QVERIFY2(c, qPrintable(opsConflict));
        QCOMPARE(c->needsDecision, opsConflict == u"superAdminLogged");
        QVERIFY(c->detail.contains(u"SUPER_ADMIN_EMAILS of /srv/tracktally/.env"_s));
    }
    // An administrator listed but never logging is an admin account all the same.
    for (const QString &a : admins) {
        const TeacherDraft *t = r.teacher(a);
        QVERIFY2(t, qPrintable(a));
        if (a != kPrincipal || decidedPrincipalRole.isEmpty())
            QCOMPARE(t->role, u"admin"_s);
    }
}

void tst_AccountRoles::conflictsStaySorted()
{
    const std::vector<IncidentRecord> logs = schoolLogs(1, 2);
    Roster r = RosterBuilder().build(logs, {}, {}, {});
    applyAccountRoles(r, logs, AccountLists{{kPrincipal, kDeputy}, {kOps}, u".env"_s}, {});
    for (size_t i = 1; i < r.conflicts.size(); ++i) {
        const Conflict &a = r.conflicts[i - 1], &b = r.conflicts[i];
        QVERIFY(a.kind < b.kind || (a.kind == b.kind && a.subject <= b.subject));
    }
    for (size_t i = 1; i < r.teachers.size(); ++i)
        QVERIFY(r.teachers[i - 1].email < r.teachers[i].email);
}

QTEST_GUILESS_MAIN(tst_AccountRoles)
#include "tst_accountroles.moc"
