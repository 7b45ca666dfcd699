#pragma once
// The Teachers, Classrooms, Students and Links steps: the rebuilt roster, the administrator's decisions
// (kept in the project) and the school's own lists (staff CSV, roster CSV). Rebuilding runs on the worker.
#include "roster/roster.h"
#include "roster/rosterdecisions.h"
#include "roster/schoolrecords.h"

#include <QMultiHash>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <optional>

namespace tt {

class Project;
class RecoverySession;

class RosterSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool built READ isBuilt NOTIFY rosterChanged)

public:
    explicit RosterSession(RecoverySession *session, QObject *parent = nullptr);

    bool isBuilt() const { return m_built; }
    bool isStale() const;
    const Roster &roster() const { return m_roster; }
    const RosterDecisions &decisions() const { return m_decisions; }
    // Rebuilds on the worker (false when busy). Done automatically after edits and when records change.
    bool rebuild();
    // Rebuilds when the records changed since the last build.
    void ensureBuilt();

    // The school's own lists, read on the worker and kept in the project.
    // columns: the mapping step's choice (nullopt: detected from the header).
    bool importStaffCsv(const QString &path, const std::optional<SchoolListColumns> &columns = std::nullopt);
    bool importRosterCsv(const QString &path, const std::optional<SchoolListColumns> &columns = std::nullopt);
    // A roster snapshot folder (written by 'tracktally-recovery snapshot'): its students and teachers become the
    // school's lists, every field it states a decision, and the questions about what it names are settled.
    bool importSnapshot(const QString &dir);
    int staffCount() const;
    int rosterCount() const;

    // Edits: each becomes a decision (saved in the project) and updates the row at once.
    void setTeacherDisplayName(const QString &email, const QString &name);
    void setTeacherRole(const QStringList &emails, const QString &role);
    void setTeacherSpecialist(const QStringList &emails, bool specialist);
    void setClassroomName(const QString &code, const QString &name);
    void setHomeroom(const QString &code, const QString &email);
    void setStudentName(const QString &studentId, const QString &first, const QString &last);
    void setStudentClass(const QStringList &studentIds, const QString &classCode);
    void setStudentGuardians(const QString &studentId, const QString &guardians);
    void setStudentNotes(const QString &studentId, const QString &notes);
    void setClassSpecialists(const QString &code, const QStringList &emails);
    // The logs of every id in ids belong to the student keepId (one child logged under two ids).
    void mergeStudents(const QStringList &ids, const QString &keepId);
    // Undoes a merge (the administrator's, or an automatic one: then the id is kept apart from now on):
    // the logs under loggedId become their own student again.
    void separateStudentId(const QString &loggedId);
    // Undoes an automatic settlement (Conflict::settledBy): it becomes a question again. Undoable like any edit.
    // Settlements made from the administrator's own files (.env, roster snapshot) are undone there instead.
    static bool isUndoable(const Conflict &settled);
    void undoSettlement(const Conflict &settled);
    // Ids merged into studentId (directly or through a chain, or automatically as leading-zero twins).
    QStringList mergedInto(const QString &studentId) const;
    void acceptAll();
    // Puts back a whole set of decisions (undo/redo) and rebuilds.
    void restoreDecisions(const RosterDecisions &decisions);
    // Replaces the decisions by after as one edit (reported for undo as `what`) and rebuilds at once.
    void applyDecisions(const RosterDecisions &after, const QString &what);

    // Problems an administrator should look at, per row (empty = none).
    QStringList teacherProblems(const TeacherDraft &t) const;
    QStringList classroomProblems(const ClassroomDraft &c) const;
    QStringList studentProblems(const StudentDraft &s) const;
    int problemCount() const;
    // What the evidence settled automatically, per roster page (the "Settled automatically" filter), and the
    // optional tasks of a row (e.g. a display name the e-mail does not show): neither makes a row "to check".
    enum class Area { Teachers, Classrooms, Students };
    static Area areaOf(const Conflict &c);
    std::vector<Conflict> settledConflicts(Area area) const;
    QStringList optionalTasks(const QString &subject) const;

    // The decisions stored in the project (roster/rosterproject.h); empty when damaged.
    static RosterDecisions loadDecisions(const Project &project);

signals:
    void rosterChanged(); // rebuilt: views reset
    void rowsEdited();    // a row changed in place: views repaint
    // Every edit, with the decisions before and after it, so that the GUI can offer undo/redo.
    void decisionsEdited(const tt::RosterDecisions &before, const tt::RosterDecisions &after, const QString &what);

private:
    // Stores the decisions, autosaves, reports the edit and schedules a rebuild (nothing when unchanged).
    void decide(const RosterDecisions &before, const QString &what, bool rebuildNow = false);
    TeacherDraft *teacher(const QString &email);
    StudentDraft *student(const QString &id);
    ClassroomDraft *classroom(const QString &code);
    void indexConflicts();

    RecoverySession *m_session;
    Roster m_roster;
    RosterDecisions m_decisions;
    bool m_built = false;
    quint64 m_builtGeneration = 0;
    bool m_pendingRebuild = false;
    QTimer m_rebuildTimer;
    QMultiHash<QString, QString> m_conflictsBySubject; // questions only (needsDecision)
    QMultiHash<QString, QString> m_tasksBySubject;     // optional tasks (not questions, not settled)
};

} // namespace tt
