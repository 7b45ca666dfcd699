// tracktally-recovery reconstruct: rebuilds teachers, classrooms and students from the incidents, takes the
// school's own lists and the administrator's decisions, and stores them in the project.
#include "cli.h"

#include "common/errors.h"
#include "project/project.h"
#include "roster/rostercache.h"
#include "roster/rosterproject.h"
#include "roster/rostersnapshot.h"
#include "session/envconfig.h"

#include <QCoreApplication>

namespace tt::cli {
namespace {

QString tr(const char *t) { return QCoreApplication::translate("tt::cli::reconstruct", t); }

// "KEY=VALUE" -> pair; throws UserError naming the option.
std::pair<QString, QString> keyValue(const QString &option, const QString &text)
{
    const qsizetype eq = text.indexOf(u'=');
    if (eq <= 0)
        throw UserError(tr("--%1 takes KEY=VALUE, not '%2'.").arg(option, text));
    return {text.left(eq).trimmed(), text.mid(eq + 1).trimmed()};
}

QString percent(qint64 part, qint64 total)
{
    return total == 0 ? QStringLiteral("-") : QString::number(100.0 * double(part) / double(total), 'f', 1) + u'%';
}

// The school's own records: a roster snapshot, or its student roster and staff list (empty = not given).
void takeSchoolLists(Project &proj, const QString &snapshot, const QString &roster, const QString &staff)
{
    QStringList warnings;
    if (!snapshot.isEmpty()) {
        if (!roster.isEmpty() || !staff.isEmpty())
            throw UserError(tr("--snapshot already gives the students and the staff; leave out --roster and --staff."));
        const SnapshotInfo s = setProjectSnapshot(proj, snapshot);
        out() << tr("Roster snapshot %1 (taken %2 from %3): %4 teachers, %5 classrooms, %6 students.")
                     .arg(s.path, s.takenAt, s.database)
                     .arg(s.teachers)
                     .arg(s.classrooms)
                     .arg(s.students)
              << "\n";
    }
    if (!roster.isEmpty()) {
        const SchoolList l = setProjectRosterCsv(proj, roster, &warnings);
        out() << tr("Student list %1: %2 students.").arg(l.path).arg(l.rows) << "\n";
    }
    if (!staff.isEmpty()) {
        const SchoolList l = setProjectStaffCsv(proj, staff, &warnings);
        out() << tr("Staff list %1: %2 people.").arg(l.path).arg(l.rows) << "\n";
    }
    for (const QString &w : warnings)
        out() << "  " << w << "\n";
}

void printSettledBySnapshot(const Roster &r)
{
    qsizetype settled = 0, questions = 0;
    for (const Conflict &c : r.conflicts) {
        settled += c.settledBy == u"rosterSnapshot" ? 1 : 0;
        questions += c.needsDecision ? 1 : 0;
    }
    out() << tr("Settled by the roster snapshot: %1; questions left: %2.").arg(settled).arg(questions) << "\n";
}

// --env: ADMIN_EMAILS and SUPER_ADMIN_EMAILS of TrackTally's .env kept in the project (addresses and the
// file's path only), so administrators get the role admin and TrackTally's operators are not made teachers.
void useEnvAccounts(Project &proj, const QString &file)
{
    const EnvConfig env = EnvConfig::load(file);
    for (const QString &problem : env.problemMessages())
        err() << tr("warning: %1").arg(problem) << "\n";
    const AccountLists lists = env.accountLists();
    setProjectAccountLists(proj, lists);
    env.rememberIn(proj);
    out() << tr("From %1: %2 administrators (%3), %4 TrackTally operators (%5).")
                 .arg(env.path())
                 .arg(lists.adminEmails.size())
                 .arg(env.admins().isSet() ? env.dotEnv().where(env.admins().variable) : tr("ADMIN_EMAILS not set"))
                 .arg(lists.superAdminEmails.size())
                 .arg(env.superAdmins().isSet() ? env.dotEnv().where(env.superAdmins().variable)
                                                : tr("SUPER_ADMIN_EMAILS not set"))
          << "\n";
}

} // namespace

int runReconstruct(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption project(QStringLiteral("project"), tr("The project file."), tr("FILE"));
    const QCommandLineOption roster(QStringLiteral("roster"), tr("The school's student list (CSV): fills guardians, corrects names and ids, adds students without logs."), tr("CSV"));
    const QCommandLineOption staff(QStringLiteral("staff"), tr("The school's staff list (CSV): emails, names, roles."), tr("CSV"));
    const QCommandLineOption snapshot(QStringLiteral("snapshot"), tr("A roster snapshot folder (written by 'snapshot'): the school's own record of its teachers, classrooms and students; every field it states is taken as decided."), tr("DIR"));
    const QCommandLineOption acceptAll(QStringLiteral("accept-all"), tr("Accept every current suggestion as a decision."));
    const QCommandLineOption teacherName(QStringLiteral("teacher-name"), tr("Set a teacher's display name."), tr("EMAIL=NAME"));
    const QCommandLineOption teacherRole(QStringLiteral("teacher-role"), tr("Set a teacher's role (teacher or admin)."), tr("EMAIL=ROLE"));
    const QCommandLineOption specialist(QStringLiteral("specialist"), tr("Mark a teacher as specialist or not."), tr("EMAIL=yes|no"));
    const QCommandLineOption className(QStringLiteral("class-name"), tr("Set a classroom's name."), tr("CODE=NAME"));
    const QCommandLineOption homeroom(QStringLiteral("homeroom"), tr("Set a classroom's homeroom teacher (empty for none)."), tr("CODE=EMAIL"));
    const QCommandLineOption studentName(QStringLiteral("student-name"), tr("Set a student's name, first and last separated by '|'."), tr("ID=FIRST|LAST"));
    const QCommandLineOption studentClass(QStringLiteral("student-class"), tr("Set a student's classroom (empty for none)."), tr("ID=CODE"));
    const QCommandLineOption mergeStudent(QStringLiteral("merge-student"), tr("Logs under one student id belong to another (e.g. 421=0421)."), tr("FROM=INTO"));
    const QCommandLineOption env(QStringLiteral("env"), tr("TrackTally's .env: teachers in ADMIN_EMAILS get the role admin; addresses in SUPER_ADMIN_EMAILS (TrackTally's operators) become teachers only if they logged records themselves, flagged for review. Kept in the project: the addresses and the file's path, never a secret."), tr("FILE"));
    const QCommandLineOption separateStudent(QStringLiteral("separate-student"), tr("Logs under this student id stay their own student, never merged automatically (undoes a leading-zero merge)."), tr("ID"));
    const QCommandLineOption reopen(QStringLiteral("reopen"), tr("Undo an automatic settlement: it becomes a question again (RULE as in settledBy, SUBJECT as in the conflict)."), tr("RULE=SUBJECT"));
    p.addOptions({project, roster, staff, snapshot, acceptAll, teacherName, teacherRole, specialist, className, homeroom,
                  studentName, studentClass, mergeStudent, env, separateStudent, reopen});
    if (int rc = parse(p, QStringLiteral("reconstruct"),
                       tr("Rebuilds teachers, classrooms and students from the project's incidents. Suggestions are "
                          "recomputed on every run; decisions are kept."),
                       args, {QStringLiteral("project")});
        rc >= 0)
        return rc;
    return guarded([&]() -> int {
        const QString path = p.value(project);
        Project proj = loadProjectFile(path);
        takeSchoolLists(proj, p.isSet(snapshot) ? p.value(snapshot) : QString(), p.isSet(roster) ? p.value(roster) : QString(),
                        p.isSet(staff) ? p.value(staff) : QString());
        if (p.isSet(env))
            useEnvAccounts(proj, p.value(env));

        RosterDecisions decisions = projectDecisions(proj);
        for (const QString &v : p.values(teacherName)) {
            auto [k, val] = keyValue(QStringLiteral("teacher-name"), v);
            decisions.setTeacherDisplayName(k, val);
        }
        for (const QString &v : p.values(teacherRole)) {
            auto [k, val] = keyValue(QStringLiteral("teacher-role"), v);
            if (val != u"teacher" && val != u"admin")
                throw UserError(tr("--teacher-role: the role must be teacher or admin, not '%1'.").arg(val));
            decisions.setTeacherRole(k, val);
        }
        for (const QString &v : p.values(specialist)) {
            auto [k, val] = keyValue(QStringLiteral("specialist"), v);
            decisions.setTeacherSpecialist(k, val == u"yes" || val == u"true" || val == u"1");
        }
        for (const QString &v : p.values(className)) {
            auto [k, val] = keyValue(QStringLiteral("class-name"), v);
            decisions.setClassroomName(k, val);
        }
        for (const QString &v : p.values(homeroom)) {
            auto [k, val] = keyValue(QStringLiteral("homeroom"), v);
            decisions.setHomeroom(k, val.toLower());
        }
        for (const QString &v : p.values(studentName)) {
            auto [k, val] = keyValue(QStringLiteral("student-name"), v);
            const QStringList parts = val.split(u'|');
            if (parts.size() != 2 || parts[0].trimmed().isEmpty() || parts[1].trimmed().isEmpty())
                throw UserError(tr("--student-name takes ID=FIRST|LAST, not '%1'.").arg(v));
            decisions.setStudentName(k, parts[0].trimmed(), parts[1].trimmed());
        }
        for (const QString &v : p.values(studentClass)) {
            auto [k, val] = keyValue(QStringLiteral("student-class"), v);
            decisions.setStudentClass(k, val);
        }
        for (const QString &v : p.values(mergeStudent)) {
            auto [k, val] = keyValue(QStringLiteral("merge-student"), v);
            decisions.mergeStudentId(k, val);
        }
        for (const QString &v : p.values(separateStudent))
            decisions.keepStudentIdApart(v.trimmed());
        for (const QString &v : p.values(reopen)) {
            auto [k, val] = keyValue(QStringLiteral("reopen"), v);
            decisions.reopenSettlement(k, val);
        }
        setProjectDecisions(proj, decisions);
        Roster r = buildProjectRoster(proj);
        if (p.isSet(acceptAll)) {
            decisions.acceptAll(r);
            setProjectDecisions(proj, decisions);
            r = buildProjectRoster(proj);
        }
        storeProjectRoster(proj, r); // the next command opens it instead of rebuilding it
        proj.save(path);

        int specialists = 0, rosterOnly = 0;
        for (const TeacherDraft &t : r.teachers)
            specialists += t.isSpecialist ? 1 : 0;
        for (const StudentDraft &s : r.students)
            rosterOnly += s.fromRosterOnly ? 1 : 0;
        out() << tr("Teachers: %1 (%2 specialists). Classrooms: %3. Students: %4 (%5 only in the school's list).")
                     .arg(r.teachers.size())
                     .arg(specialists)
                     .arg(r.classrooms.size())
                     .arg(r.students.size())
                     .arg(rosterOnly)
              << "\n";
        const LinkSummary &l = r.summary;
        out() << tr("Links of %1 incidents and commendations: student %2 (%3), classroom %4 (%5), teacher %6 (%7).")
                     .arg(l.total)
                     .arg(l.student)
                     .arg(percent(l.student, l.total))
                     .arg(l.classroom)
                     .arg(percent(l.classroom, l.total))
                     .arg(l.teacher)
                     .arg(percent(l.teacher, l.total))
              << "\n";
        // Only questions are "to decide"; what the evidence settled is counted (listed in the reports).
        std::vector<const Conflict *> questions;
        size_t settled = 0;
        for (const Conflict &c : r.conflicts) {
            if (c.needsDecision)
                questions.push_back(&c);
            else if (!c.settledBy.isEmpty())
                ++settled;
        }
        out() << tr("To decide: %1 questions (%2 settled automatically, %3 optional).")
                     .arg(questions.size())
                     .arg(settled)
                     .arg(r.conflicts.size() - questions.size() - settled)
              << "\n";
        if (projectSnapshot(proj))
            printSettledBySnapshot(r);
        const size_t shown = std::min<size_t>(questions.size(), 15);
        for (size_t i = 0; i < shown; ++i)
            out() << "  [" << questions[i]->kind << "] " << questions[i]->subject << ": " << questions[i]->detail << "\n";
        if (shown < questions.size())
            out() << "  " << tr("... and %1 more: see 'report --html' or the wizard.").arg(questions.size() - shown) << "\n";
        out().flush();
        return int(Ok);
    });
}

} // namespace tt::cli
