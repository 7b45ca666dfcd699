#pragma once
// What the administrator decided about the rebuilt roster. Only the fields the administrator set are
// stored; everything else stays a suggestion and is recomputed on every build. Stored in the project file
// as JSON; survives re-runs with more records.
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>
#include <nlohmann/json_fwd.hpp>
#include <optional>

namespace tt {

struct Roster;

struct TeacherDecision
{
    std::optional<QString> displayName;
    std::optional<QString> role;
    std::optional<bool> isSpecialist;
    bool operator==(const TeacherDecision &) const = default;
};

struct ClassroomDecision
{
    std::optional<QString> name;
    std::optional<QString> homeroomTeacherEmail; // empty string = decided: no homeroom teacher
    std::optional<QStringList> specialistEmails;
    bool operator==(const ClassroomDecision &) const = default;
};

struct StudentDecision
{
    std::optional<QString> firstName;
    std::optional<QString> lastName;
    std::optional<QString> classCode; // empty string = decided: no classroom
    std::optional<QString> guardians;
    std::optional<QString> notes;
    bool operator==(const StudentDecision &) const = default;
};

class RosterDecisions
{
public:
    // Keys: teacher by email (case-folded), classroom by code (case-folded), student by studentId (trimmed).
    static QString teacherKey(const QString &email);
    static QString classroomKey(const QString &code);
    static QString studentKey(const QString &studentId);

    void setTeacherDisplayName(const QString &email, const QString &name);
    void setTeacherRole(const QString &email, const QString &role); // "teacher" or "admin"
    void setTeacherSpecialist(const QString &email, bool specialist);
    void setClassroomName(const QString &code, const QString &name);
    void setHomeroom(const QString &code, const QString &teacherEmail);
    void setClassSpecialists(const QString &code, const QStringList &teacherEmails);
    void setStudentName(const QString &studentId, const QString &first, const QString &last);
    void setStudentClass(const QString &studentId, const QString &classCode);
    void setStudentGuardians(const QString &studentId, const QString &guardians);
    void setStudentNotes(const QString &studentId, const QString &notes);
    // Records logged under fromId belong to the student intoId (e.g. "421" whose zero the sheet ate is "0421").
    void mergeStudentId(const QString &fromId, const QString &intoId);
    // Undoes a merge: records logged under fromId are their own student again.
    void unmergeStudentId(const QString &fromId);
    // Separate twins: the logged id stays its own student, never merged automatically (leadingZeroTwins).
    void keepStudentIdApart(const QString &id, bool apart = true);
    bool isKeptApart(const QString &id) const { return m_keptApart.contains(studentKey(id)); }
    // Undo an automatic settlement: the conflict (settledBy, subject) becomes a question again. reopen = false
    // lets the rule settle it again.
    void reopenSettlement(const QString &settledBy, const QString &subject, bool reopen = true);
    bool isReopened(const QString &settledBy, const QString &subject) const;
    // Marks every current suggestion as decided, freezing it against later re-runs.
    void acceptAll(const Roster &roster);

    const TeacherDecision *teacher(const QString &email) const;
    const ClassroomDecision *classroom(const QString &code) const;
    const StudentDecision *student(const QString &studentId) const;
    QString mergedStudentId(const QString &id) const; // the id after merges (id itself when none)

    const QMap<QString, TeacherDecision> &teachers() const { return m_teachers; }
    const QMap<QString, ClassroomDecision> &classrooms() const { return m_classrooms; }
    const QMap<QString, StudentDecision> &students() const { return m_students; }
    const QMap<QString, QString> &studentIdMerges() const { return m_idMerges; }
    const QSet<QString> &keptApartIds() const { return m_keptApart; }
    const QSet<QString> &reopenedSettlements() const { return m_reopened; } // "settledBy|subject"
    bool isEmpty() const;

    nlohmann::json toJson() const;
    // Throws ProjectError when the JSON does not have the expected shape.
    static RosterDecisions fromJson(const nlohmann::json &json);

    bool operator==(const RosterDecisions &) const = default;

private:
    QMap<QString, TeacherDecision> m_teachers;
    QMap<QString, ClassroomDecision> m_classrooms;
    QMap<QString, StudentDecision> m_students;
    QMap<QString, QString> m_idMerges;
    QSet<QString> m_keptApart;
    QSet<QString> m_reopened;
};

} // namespace tt
