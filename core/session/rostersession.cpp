#include "rostersession.h"

#include "roster/rostersnapshot.h"

#include "project/project.h"
#include "recoverysession.h"
#include "roster/accountroles.h"
#include "roster/rosterbuilder.h"
#include "roster/rostercache.h"
#include "roster/rosterproject.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace tt {

using namespace Qt::StringLiterals;

RosterSession::RosterSession(RecoverySession *session, QObject *parent) : QObject(parent), m_session(session)
{
    m_rebuildTimer.setSingleShot(true);
    m_rebuildTimer.setInterval(600);
    connect(&m_rebuildTimer, &QTimer::timeout, this, [this] { rebuild(); });
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_decisions = loadDecisions(m_session->project());
        m_roster = Roster{};
        m_built = false;
        m_conflictsBySubject.clear();
        m_tasksBySubject.clear();
        emit rosterChanged();
    });
    connect(session, &RecoverySession::recordsChanged, this, [this] {
        if (m_built)
            m_rebuildTimer.start();
    });
    connect(session, &RecoverySession::busyChanged, this, [this](bool busy) {
        if (!busy && m_pendingRebuild)
            QTimer::singleShot(0, this, [this] { rebuild(); });
    });
}

bool RosterSession::isStale() const
{
    return !m_built || m_builtGeneration != m_session->recordsGeneration();
}

void RosterSession::ensureBuilt()
{
    if (isStale())
        rebuild();
}

bool RosterSession::rebuild()
{
    if (!m_session->hasProject())
        return false;
    if (m_session->isBusy()) {
        m_pendingRebuild = true;
        return false;
    }
    m_pendingRebuild = false;
    m_rebuildTimer.stop();
    auto accepted = m_session->accepted();
    const quint64 generation = m_session->recordsGeneration();
    auto staff = projectStaffEntries(m_session->project());
    auto entries = projectRosterEntries(m_session->project());
    const QStringList snapshotSubjects = projectSnapshotSubjects(m_session->project());
    RosterDecisions decisions = m_decisions;
    const AccountLists accounts = projectAccountLists(m_session->project());
    return m_session->runReadTask(tr("Rebuilding teachers, classrooms and students"),
                                  [this, accepted, generation, staff, entries, decisions, accounts, snapshotSubjects](const Project &project, Progress *progress) {
        // The roster kept in the project while it matches (opening a project need not rebuild it); else built, and
        // kept for the next time (saved with the project).
        const QByteArray key = projectRosterKey(project, decisions);
        std::optional<Roster> cached = cachedProjectRoster(project, key);
        auto roster = std::make_shared<Roster>(cached ? std::move(*cached) : RosterBuilder().build(*accepted, entries, staff, decisions, progress));
        QByteArray encoded;
        std::optional<QByteArray> summary; // the reports' counts: one pass over the records, here rather than on the GUI thread
        const QByteArray summaryKey = recordSummaryKey(project);
        if (!cached) {
            applyAccountRoles(*roster, *accepted, accounts, decisions);
            settleBySnapshot(*roster, snapshotSubjects);
            encoded = encodeRoster(*roster);
            summary = recordSummaryToStore(project);
        }
        return std::function<void()>([this, roster, generation, key, encoded, summary, summaryKey] {
            if (!encoded.isEmpty() && m_session->hasProject()) {
                storeProjectRoster(m_session->editableProject(), key, encoded);
                if (summary)
                    storeRecordSummary(m_session->editableProject(), summaryKey, *summary);
            }
            m_roster = std::move(*roster);
            m_built = true;
            m_builtGeneration = generation;
            indexConflicts();
            emit rosterChanged();
        });
    });
}

void RosterSession::indexConflicts()
{
    // Only questions make a row "to check"; what the evidence settled is listed apart, optional tasks in the details.
    m_conflictsBySubject.clear();
    m_tasksBySubject.clear();
    for (const Conflict &c : m_roster.conflicts) {
        if (c.needsDecision)
            m_conflictsBySubject.insert(c.subject.toCaseFolded(), c.detail);
        else if (c.settledBy.isEmpty())
            m_tasksBySubject.insert(c.subject.toCaseFolded(), c.detail);
    }
}

bool RosterSession::importStaffCsv(const QString &path, const std::optional<SchoolListColumns> &columns)
{
    return m_session->runTask(tr("Reading the staff list"), [path, columns](Project &project, Progress *) {
        QStringList warnings;
        const SchoolList list = setProjectStaffCsv(project, path, &warnings, columns ? &*columns : nullptr);
        QString summary = QCoreApplication::translate("tt::RosterSession", "Staff list %1: %L2 people read.")
                              .arg(QFileInfo(path).fileName())
                              .arg(list.rows);
        if (!warnings.isEmpty())
            summary += u'\n' + warnings.join(u'\n');
        return summary;
    });
}

bool RosterSession::importRosterCsv(const QString &path, const std::optional<SchoolListColumns> &columns)
{
    return m_session->runTask(tr("Reading the school roster"), [path, columns](Project &project, Progress *) {
        QStringList warnings;
        const SchoolList list = setProjectRosterCsv(project, path, &warnings, columns ? &*columns : nullptr);
        QString summary = QCoreApplication::translate("tt::RosterSession", "School roster %1: %L2 students read.")
                              .arg(QFileInfo(path).fileName())
                              .arg(list.rows);
        if (!warnings.isEmpty())
            summary += u'\n' + warnings.join(u'\n');
        return summary;
    });
}

bool RosterSession::importSnapshot(const QString &dir)
{
    auto read = std::make_shared<RosterSnapshot>();
    const QString title = tr("Reading the roster snapshot");
    const bool started = m_session->runTask(title, [dir, read](Project &project, Progress *) {
        *read = RosterSnapshot::read(dir);
        const SnapshotInfo info = setProjectSnapshotLists(project, *read, dir);
        return QCoreApplication::translate("tt::RosterSession",
                                           "Roster snapshot %1 (taken %2): %L3 teachers, %L4 classrooms, %L5 students, "
                                           "every field taken as decided.")
            .arg(QFileInfo(dir).fileName(), info.takenAt)
            .arg(info.teachers)
            .arg(info.classrooms)
            .arg(info.students);
    });
    if (!started)
        return false;
    // When the lists are in the project (on this thread), the snapshot's fields become decisions.
    auto *pending = new QObject(this);
    connect(m_session, &RecoverySession::taskFinished, pending, [this, pending, read, title](const QString &t, const QString &) {
        if (t != title)
            return;
        pending->deleteLater();
        read->decide(m_decisions);
        setProjectDecisions(m_session->editableProject(), m_decisions);
        m_session->markChanged();
        rebuild(); // new lists, decisions and settled questions
    });
    connect(m_session, &RecoverySession::taskFailed, pending, [pending, title](const QString &t, const QString &) {
        if (t == title)
            pending->deleteLater();
    });
    return true;
}

int RosterSession::staffCount() const
{
    if (!m_session->hasProject())
        return 0;
    const auto list = projectStaffList(m_session->project());
    return list ? list->rows : 0;
}

int RosterSession::rosterCount() const
{
    if (!m_session->hasProject())
        return 0;
    const auto list = projectRosterList(m_session->project());
    return list ? list->rows : 0;
}

RosterDecisions RosterSession::loadDecisions(const Project &project)
{
    try {
        return projectDecisions(project);
    } catch (const std::exception &) {
        return {}; // a damaged decisions section: start again from the suggestions
    }
}

void RosterSession::decide(const RosterDecisions &before, const QString &what, bool rebuildNow)
{
    if (before == m_decisions)
        return;
    setProjectDecisions(m_session->editableProject(), m_decisions);
    m_session->markChanged();
    emit rowsEdited();
    emit decisionsEdited(before, m_decisions, what);
    if (rebuildNow)
        rebuild();
    else
        m_rebuildTimer.start();
}

void RosterSession::restoreDecisions(const RosterDecisions &decisions)
{
    if (!m_session->hasProject() || decisions == m_decisions)
        return;
    m_decisions = decisions;
    setProjectDecisions(m_session->editableProject(), m_decisions);
    m_session->markChanged();
    rebuild(); // the rows edited in place go back to what the decisions say
}

void RosterSession::applyDecisions(const RosterDecisions &after, const QString &what)
{
    if (!m_session->hasProject())
        return;
    const RosterDecisions before = m_decisions;
    m_decisions = after;
    decide(before, what, true);
}

void RosterSession::setClassSpecialists(const QString &code, const QStringList &emails)
{
    const RosterDecisions before = m_decisions;
    QStringList list;
    for (const QString &e : emails)
        if (!e.trimmed().isEmpty() && !list.contains(e.trimmed().toLower()))
            list << e.trimmed().toLower();
    m_decisions.setClassSpecialists(code, list);
    if (ClassroomDraft *c = classroom(code)) {
        c->specialistEmails = list;
        c->decided = true;
    }
    decide(before, tr("Specialists of %1").arg(code));
}

void RosterSession::mergeStudents(const QStringList &ids, const QString &keepId)
{
    const RosterDecisions before = m_decisions;
    for (const QString &id : ids) {
        if (id.trimmed() != keepId.trimmed()) {
            m_decisions.keepStudentIdApart(id, false);
            m_decisions.mergeStudentId(id, keepId);
        }
    }
    decide(before, tr("Merge into student %1").arg(keepId), true);
}

void RosterSession::separateStudentId(const QString &loggedId)
{
    const RosterDecisions before = m_decisions;
    if (m_decisions.studentIdMerges().contains(RosterDecisions::studentKey(loggedId)))
        m_decisions.unmergeStudentId(loggedId);
    else
        m_decisions.keepStudentIdApart(loggedId); // merged automatically (leading-zero twins)
    decide(before, tr("Separate student %1").arg(loggedId), true);
}

bool RosterSession::isUndoable(const Conflict &settled)
{
    // the rules of core/roster/rosterrules.h honour RosterDecisions::reopenSettlement
    static const QStringList rules{u"leadingZeroTwins"_s, u"majoritySpelling"_s, u"namesakesDifferentClasses"_s,
                                   u"namesakesOnSchoolList"_s, u"uniqueNameMatch"_s};
    return !settled.needsDecision && rules.contains(settled.settledBy);
}

void RosterSession::undoSettlement(const Conflict &settled)
{
    if (!isUndoable(settled))
        return;
    const RosterDecisions before = m_decisions;
    m_decisions.reopenSettlement(settled.settledBy, settled.subject);
    decide(before, tr("Undo the automatic settlement of %1").arg(settled.subject), true);
}

RosterSession::Area RosterSession::areaOf(const Conflict &c)
{
    static const QStringList teachers{u"teacherName"_s,       u"unknownTeacher"_s,     u"twoHomerooms"_s,
                                      u"adminFromEnv"_s,      u"superAdminNotStaff"_s, u"superAdminLogged"_s,
                                      u"adminSuggested"_s};
    static const QStringList classrooms{u"closeHomeroom"_s, u"noHomeroom"_s};
    if (teachers.contains(c.kind))
        return Area::Teachers;
    if (classrooms.contains(c.kind))
        return Area::Classrooms;
    return Area::Students;
}

std::vector<Conflict> RosterSession::settledConflicts(Area area) const
{
    std::vector<Conflict> out;
    for (const Conflict &c : m_roster.conflicts)
        if (!c.needsDecision && !c.settledBy.isEmpty() && areaOf(c) == area)
            out.push_back(c);
    return out;
}

QStringList RosterSession::optionalTasks(const QString &subject) const
{
    return m_tasksBySubject.values(subject.toCaseFolded());
}

QStringList RosterSession::mergedInto(const QString &studentId) const
{
    QStringList out;
    const QString key = RosterDecisions::studentKey(studentId);
    const auto &merges = m_decisions.studentIdMerges();
    for (auto it = merges.cbegin(); it != merges.cend(); ++it)
        if (it.key() != key && m_decisions.mergedStudentId(it.key()) == key)
            out << it.key();
    if (const StudentDraft *s = m_roster.student(key)) // merged automatically: ids whose zeros the sheet dropped
        for (const QString &id : s->loggedIds)
            if (!out.contains(id))
                out << id;
    return out;
}

TeacherDraft *RosterSession::teacher(const QString &email)
{
    for (TeacherDraft &t : m_roster.teachers)
        if (t.email == email)
            return &t;
    return nullptr;
}

StudentDraft *RosterSession::student(const QString &id)
{
    for (StudentDraft &st : m_roster.students)
        if (st.studentId == id)
            return &st;
    return nullptr;
}

ClassroomDraft *RosterSession::classroom(const QString &code)
{
    for (ClassroomDraft &c : m_roster.classrooms)
        if (c.code.compare(code, Qt::CaseInsensitive) == 0)
            return &c;
    return nullptr;
}

void RosterSession::setTeacherDisplayName(const QString &email, const QString &name)
{
    const RosterDecisions before = m_decisions;
    m_decisions.setTeacherDisplayName(email, name.trimmed());
    if (TeacherDraft *t = teacher(email)) {
        t->displayName = name.trimmed();
        t->displayNameSource = QStringLiteral("administrator");
        t->decided = true;
    }
    decide(before, tr("Name of %1").arg(email));
}

void RosterSession::setTeacherRole(const QStringList &emails, const QString &role)
{
    const RosterDecisions before = m_decisions;
    for (const QString &email : emails) {
        m_decisions.setTeacherRole(email, role);
        if (TeacherDraft *t = teacher(email)) {
            t->role = role;
            t->roleSource = QStringLiteral("administrator");
            t->decided = true;
        }
    }
    decide(before, tr("Role of %Ln teacher(s)", nullptr, int(emails.size())));
}

void RosterSession::setTeacherSpecialist(const QStringList &emails, bool specialist)
{
    const RosterDecisions before = m_decisions;
    for (const QString &email : emails) {
        m_decisions.setTeacherSpecialist(email, specialist);
        if (TeacherDraft *t = teacher(email)) {
            t->isSpecialist = specialist;
            t->decided = true;
        }
    }
    decide(before, tr("Specialist flag of %Ln teacher(s)", nullptr, int(emails.size())));
}

void RosterSession::setClassroomName(const QString &code, const QString &name)
{
    const RosterDecisions before = m_decisions;
    m_decisions.setClassroomName(code, name.trimmed());
    if (ClassroomDraft *c = classroom(code)) {
        c->name = name.trimmed();
        c->decided = true;
    }
    decide(before, tr("Name of class %1").arg(code));
}

void RosterSession::setHomeroom(const QString &code, const QString &email)
{
    const RosterDecisions before = m_decisions;
    m_decisions.setHomeroom(code, email.trimmed().toLower());
    if (ClassroomDraft *c = classroom(code)) {
        c->homeroomTeacherEmail = email.trimmed().toLower();
        c->decided = true;
    }
    decide(before, tr("Homeroom teacher of %1").arg(code));
}

void RosterSession::setStudentName(const QString &studentId, const QString &first, const QString &last)
{
    const RosterDecisions before = m_decisions;
    m_decisions.setStudentName(studentId, first.trimmed(), last.trimmed());
    if (StudentDraft *st = student(studentId)) {
        st->firstName = first.trimmed();
        st->lastName = last.trimmed();
        st->nameSource = QStringLiteral("administrator");
        st->decided = true;
    }
    decide(before, tr("Name of student %1").arg(studentId));
}

void RosterSession::setStudentClass(const QStringList &studentIds, const QString &classCode)
{
    const RosterDecisions before = m_decisions;
    for (const QString &id : studentIds) {
        m_decisions.setStudentClass(id, classCode.trimmed());
        if (StudentDraft *st = student(id)) {
            st->classCode = classCode.trimmed();
            st->decided = true;
        }
    }
    decide(before, tr("Class of %Ln student(s)", nullptr, int(studentIds.size())));
}

void RosterSession::setStudentGuardians(const QString &studentId, const QString &guardians)
{
    const RosterDecisions before = m_decisions;
    m_decisions.setStudentGuardians(studentId, guardians);
    if (StudentDraft *st = student(studentId))
        st->guardians = guardians;
    decide(before, tr("Guardians of student %1").arg(studentId));
}

void RosterSession::setStudentNotes(const QString &studentId, const QString &notes)
{
    const RosterDecisions before = m_decisions;
    m_decisions.setStudentNotes(studentId, notes);
    if (StudentDraft *st = student(studentId))
        st->notes = notes;
    decide(before, tr("Notes on student %1").arg(studentId));
}

void RosterSession::acceptAll()
{
    const RosterDecisions before = m_decisions;
    m_decisions.acceptAll(m_roster);
    for (TeacherDraft &t : m_roster.teachers)
        t.decided = true;
    for (ClassroomDraft &c : m_roster.classrooms)
        c.decided = true;
    for (StudentDraft &st : m_roster.students)
        st.decided = true;
    decide(before, tr("Accept all suggestions"));
}

QStringList RosterSession::teacherProblems(const TeacherDraft &t) const
{
    QStringList out; // an empty display name is optional in TrackTally: a task (optionalTasks), not a question
    out << m_conflictsBySubject.values(t.email.toCaseFolded());
    return out;
}

QStringList RosterSession::classroomProblems(const ClassroomDraft &c) const
{
    QStringList out;
    if (c.homeroomTeacherEmail.isEmpty())
        out << tr("No homeroom teacher: choose one.");
    out << m_conflictsBySubject.values(c.code.toCaseFolded());
    return out;
}

QStringList RosterSession::studentProblems(const StudentDraft &st) const
{
    QStringList out;
    if (st.firstName.isEmpty() || st.lastName.isEmpty())
        out << tr("First or last name missing.");
    if (st.classCode.isEmpty())
        out << tr("No classroom: choose one.");
    out << m_conflictsBySubject.values(st.studentId.toCaseFolded());
    return out;
}

int RosterSession::problemCount() const
{
    int n = 0;
    for (const TeacherDraft &t : m_roster.teachers)
        n += teacherProblems(t).isEmpty() ? 0 : 1;
    for (const ClassroomDraft &c : m_roster.classrooms)
        n += classroomProblems(c).isEmpty() ? 0 : 1;
    for (const StudentDraft &st : m_roster.students)
        n += studentProblems(st).isEmpty() ? 0 : 1;
    return n;
}

} // namespace tt
