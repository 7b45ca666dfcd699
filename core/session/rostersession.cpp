#include "rostersession.h"

#include "project/project.h"
#include "recoverysession.h"
#include "roster/rosterbuilder.h"
#include "roster/rosterproject.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace tt {

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
    RosterDecisions decisions = m_decisions;
    return m_session->runReadTask(tr("Rebuilding teachers, classrooms and students"),
                                  [this, accepted, generation, staff, entries, decisions](const Project &, Progress *progress) {
        auto roster = std::make_shared<Roster>(RosterBuilder().build(*accepted, entries, staff, decisions, progress));
        return std::function<void()>([this, roster, generation] {
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
    m_conflictsBySubject.clear();
    for (const Conflict &c : m_roster.conflicts)
        m_conflictsBySubject.insert(c.subject.toCaseFolded(), c.detail);
}

bool RosterSession::importStaffCsv(const QString &path)
{
    return m_session->runTask(tr("Reading the staff list"), [path](Project &project, Progress *) {
        QStringList warnings;
        const SchoolList list = setProjectStaffCsv(project, path, &warnings);
        QString summary = QCoreApplication::translate("tt::RosterSession", "Staff list %1: %L2 people read.")
                              .arg(QFileInfo(path).fileName())
                              .arg(list.rows);
        if (!warnings.isEmpty())
            summary += u'\n' + warnings.join(u'\n');
        return summary;
    });
}

bool RosterSession::importRosterCsv(const QString &path)
{
    return m_session->runTask(tr("Reading the school roster"), [path](Project &project, Progress *) {
        QStringList warnings;
        const SchoolList list = setProjectRosterCsv(project, path, &warnings);
        QString summary = QCoreApplication::translate("tt::RosterSession", "School roster %1: %L2 students read.")
                              .arg(QFileInfo(path).fileName())
                              .arg(list.rows);
        if (!warnings.isEmpty())
            summary += u'\n' + warnings.join(u'\n');
        return summary;
    });
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

void RosterSession::decide()
{
    setProjectDecisions(m_session->project(), m_decisions);
    m_session->markChanged();
    emit rowsEdited();
    m_rebuildTimer.start();
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
    m_decisions.setTeacherDisplayName(email, name.trimmed());
    if (TeacherDraft *t = teacher(email)) {
        t->displayName = name.trimmed();
        t->displayNameSource = QStringLiteral("administrator");
        t->decided = true;
    }
    decide();
}

void RosterSession::setTeacherRole(const QStringList &emails, const QString &role)
{
    for (const QString &email : emails) {
        m_decisions.setTeacherRole(email, role);
        if (TeacherDraft *t = teacher(email)) {
            t->role = role;
            t->roleSource = QStringLiteral("administrator");
            t->decided = true;
        }
    }
    decide();
}

void RosterSession::setTeacherSpecialist(const QStringList &emails, bool specialist)
{
    for (const QString &email : emails) {
        m_decisions.setTeacherSpecialist(email, specialist);
        if (TeacherDraft *t = teacher(email)) {
            t->isSpecialist = specialist;
            t->decided = true;
        }
    }
    decide();
}

void RosterSession::setClassroomName(const QString &code, const QString &name)
{
    m_decisions.setClassroomName(code, name.trimmed());
    if (ClassroomDraft *c = classroom(code)) {
        c->name = name.trimmed();
        c->decided = true;
    }
    decide();
}

void RosterSession::setHomeroom(const QString &code, const QString &email)
{
    m_decisions.setHomeroom(code, email.trimmed().toLower());
    if (ClassroomDraft *c = classroom(code)) {
        c->homeroomTeacherEmail = email.trimmed().toLower();
        c->decided = true;
    }
    decide();
}

void RosterSession::setStudentName(const QString &studentId, const QString &first, const QString &last)
{
    m_decisions.setStudentName(studentId, first.trimmed(), last.trimmed());
    if (StudentDraft *st = student(studentId)) {
        st->firstName = first.trimmed();
        st->lastName = last.trimmed();
        st->nameSource = QStringLiteral("administrator");
        st->decided = true;
    }
    decide();
}

void RosterSession::setStudentClass(const QStringList &studentIds, const QString &classCode)
{
    for (const QString &id : studentIds) {
        m_decisions.setStudentClass(id, classCode.trimmed());
        if (StudentDraft *st = student(id)) {
            st->classCode = classCode.trimmed();
            st->decided = true;
        }
    }
    decide();
}

void RosterSession::setStudentGuardians(const QString &studentId, const QString &guardians)
{
    m_decisions.setStudentGuardians(studentId, guardians);
    if (StudentDraft *st = student(studentId))
        st->guardians = guardians;
    decide();
}

void RosterSession::setStudentNotes(const QString &studentId, const QString &notes)
{
    m_decisions.setStudentNotes(studentId, notes);
    if (StudentDraft *st = student(studentId))
        st->notes = notes;
    decide();
}

void RosterSession::acceptAll()
{
    m_decisions.acceptAll(m_roster);
    for (TeacherDraft &t : m_roster.teachers)
        t.decided = true;
    for (ClassroomDraft &c : m_roster.classrooms)
        c.decided = true;
    for (StudentDraft &st : m_roster.students)
        st.decided = true;
    decide();
}

QStringList RosterSession::teacherProblems(const TeacherDraft &t) const
{
    QStringList out;
    if (t.displayName.trimmed().isEmpty())
        out << tr("No display name: type the teacher's name.");
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
