#include "roster/accountroles.h"

#include "roster/rosterbuilder.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace tt {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::AccountRoles", text);
}

const QString kAdminVariable = QStringLiteral("ADMIN_EMAILS");
const QString kSuperAdminVariable = QStringLiteral("SUPER_ADMIN_EMAILS");

QString sourceName(const AccountLists &lists)
{
    return lists.source.isEmpty() ? tr("the .env file") : lists.source;
}

bool decidedRole(const RosterDecisions &decisions, const QString &email)
{
    const TeacherDecision *d = decisions.teacher(email);
    return d && d->role.has_value();
}

void sortTeachers(Roster &roster)
{
    std::sort(roster.teachers.begin(), roster.teachers.end(),
              [](const TeacherDraft &a, const TeacherDraft &b) { return a.email < b.email; });
}

void applyAdminList(Roster &roster, const AccountLists &lists, const RosterDecisions &decisions)
{
    const QString evidence = tr("listed in %1 of %2").arg(kAdminVariable, sourceName(lists));
    QSet<QString> seen;
    for (TeacherDraft &t : roster.teachers) {
        if (!lists.adminEmails.contains(t.email))
            continue;
        seen.insert(t.email);
        if (decidedRole(decisions, t.email))
            continue; // the administrator's decision stands
        const QString before = t.roleSource == u"staff list" && t.role != u"admin"
                                   ? tr(" (the staff list says %1)").arg(t.role)
                                   : QString();
        t.role = QStringLiteral("admin");
        t.roleSource = kAdminVariable;
        roster.conflicts.push_back(Conflict{u"adminFromEnv"_qs, t.email,
                                            tr("%1 gets the role admin: %2%3.").arg(t.email, evidence, before), false,
                                            u"adminEmails"_qs});
    }
    for (const QString &email : lists.adminEmails) {
        if (seen.contains(email))
            continue;
        TeacherDraft t;
        t.email = email;
        t.role = decidedRole(decisions, email) ? *decisions.teacher(email)->role : QStringLiteral("admin");
        t.roleSource = decidedRole(decisions, email) ? u"administrator"_qs : kAdminVariable;
        const TeacherDecision *d = decisions.teacher(email);
        if (d && d->displayName) {
            t.displayName = *d->displayName;
            t.displayNameSource = u"administrator"_qs;
        } else {
            t.displayName = RosterBuilder::displayNameFromEmail(email);
            if (!t.displayName.isEmpty())
                t.displayNameSource = u"email"_qs;
        }
        t.decided = d != nullptr;
        roster.teachers.push_back(t);
        roster.conflicts.push_back(Conflict{u"adminFromEnv"_qs, email,
                                            tr("%1 logged nothing but is %2: added as an administrator's account "
                                               "(role admin).")
                                                .arg(email, evidence),
                                            false, u"adminEmails"_qs});
    }
}

void applySuperAdminList(Roster &roster, const AccountLists &lists, const RosterDecisions &decisions)
{
    const QString listed = tr("listed in %1 of %2 (TrackTally's operators, not school staff)")
                               .arg(kSuperAdminVariable, sourceName(lists));
    std::vector<TeacherDraft> kept;
    kept.reserve(roster.teachers.size());
    for (TeacherDraft &t : roster.teachers) {
        if (!lists.superAdminEmails.contains(t.email) || lists.adminEmails.contains(t.email)) {
            kept.push_back(std::move(t));
            continue;
        }
        const int logs = t.incidents + t.commendations;
        if (logs == 0) {
            roster.conflicts.push_back(Conflict{u"superAdminNotStaff"_qs, t.email,
                                                tr("%1 is %2 and logged nothing: no Teacher row is created.")
                                                    .arg(t.email, listed),
                                                false, u"superAdminEmails"_qs});
            continue;
        }
        Conflict c{u"superAdminLogged"_qs, t.email,
                   tr("%1 is %2, but logged %3 records; kept as a teacher of this school. Check that this account "
                      "belongs to the school.")
                       .arg(t.email, listed)
                       .arg(logs),
                   true, QString()};
        c.needsDecision = !t.decided && !decidedRole(decisions, t.email);
        roster.conflicts.push_back(c);
        kept.push_back(std::move(t));
    }
    roster.teachers = std::move(kept);
}

// Logs per teacher and the classes they reach (the record's class, else its student's current class).
struct Reach
{
    qint64 logs = 0;
    QSet<QString> classes;
};

void suggestAdmins(Roster &roster, RecordView accepted, const RosterDecisions &decisions,
                   const AdminSuggestionRules &rules)
{
    const qsizetype nClasses = qsizetype(roster.classrooms.size());
    if (nClasses < rules.minClasses || roster.links.size() != accepted.size())
        return;
    QHash<QString, Reach> reach;
    qint64 withClass = 0;
    for (size_t i = 0; i < accepted.size(); ++i) {
        const RecordLink &l = roster.links[i];
        QString cls = l.classCode;
        if (cls.isEmpty() && !l.studentId.isEmpty())
            if (const StudentDraft *s = roster.student(l.studentId))
                cls = s->classCode;
        Reach &r = reach[accepted[i].teacherEmail.trimmed().toCaseFolded()];
        ++r.logs;
        if (!cls.isEmpty()) {
            r.classes.insert(cls.toCaseFolded());
            ++withClass;
        }
    }
    QSet<QString> homerooms;
    for (const ClassroomDraft &c : roster.classrooms)
        homerooms.insert(c.homeroomTeacherEmail);
    const double schoolPerClass = double(withClass) / double(nClasses);
    const qsizetype needed = std::max<qsizetype>(rules.minClasses, qsizetype(std::ceil(rules.minClassShare * double(nClasses))));
    for (const TeacherDraft &t : roster.teachers) {
        if (t.isSpecialist || t.role == u"admin" || !t.roleSource.isEmpty() || decidedRole(decisions, t.email)
            || homerooms.contains(t.email))
            continue;
        const Reach r = reach.value(t.email);
        const qsizetype reached = r.classes.size();
        if (reached < needed)
            continue;
        const double perClass = double(r.logs) / double(reached);
        if (perClass > rules.maxPerClassRatio * schoolPerClass)
            continue;
        roster.conflicts.push_back(
            Conflict{u"adminSuggested"_qs, t.email,
                     tr("%1 logged %2 records across %3 of %4 classes, about %5 per class (the school: %6 per "
                        "class), as administrators do. Is %1 an administrator (role admin)?")
                         .arg(t.email)
                         .arg(r.logs)
                         .arg(reached)
                         .arg(nClasses)
                         .arg(perClass, 0, 'f', 1)
                         .arg(schoolPerClass, 0, 'f', 1),
                     true, QString()}); // a question: never settled automatically
    }
}

} // namespace

void applyAccountRoles(Roster &roster, RecordView accepted, const AccountLists &lists,
                       const RosterDecisions &decisions, const AdminSuggestionRules &rules)
{
    if (lists.isEmpty()) {
        suggestAdmins(roster, accepted, decisions, rules);
    } else {
        applyAdminList(roster, lists, decisions);
        applySuperAdminList(roster, lists, decisions);
        sortTeachers(roster);
    }
    std::stable_sort(roster.conflicts.begin(), roster.conflicts.end(), [](const Conflict &a, const Conflict &b) {
        if (a.kind != b.kind)
            return a.kind < b.kind;
        return a.subject < b.subject;
    });
}

} // namespace tt
