#pragma once
// The school's own records, optional inputs to the roster reconstruction: its student roster CSV and its
// staff list CSV. Headers vary between schools; they are matched by alias, ignoring case, spaces and
// punctuation ("Student ID", "student_id", "STUDENT-ID" are one column).
#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

struct StaffEntry
{
    QString email;       // trimmed, lower case
    QString displayName; // as the list writes it; may be empty
    QString role;        // "teacher" or "admin" (admin, principal, assistant/deputy principal, ...)
    QString roleText;    // the list's own words, e.g. "Assistant Principal"
    qint64 row = 0;
};

struct RosterEntry
{
    QString studentId;
    QString firstName;
    QString lastName;
    QString guardians;
    QString classCode;
    QString notes;
    qint64 row = 0;
};

// The header as a key: lower case, letters and digits only ("Student ID" -> "studentid").
QString headerKey(const QString &header);

// Read a student roster CSV. Throws SourceError naming the file (and row/column) when the file cannot be
// used: unreadable, no header with a student id column, no name columns. Rows that cannot be used (no id,
// an id seen before) are skipped with a warning.
std::vector<RosterEntry> readRosterCsv(const QString &path, QStringList *warnings = nullptr);

// Read a staff list CSV (Email; Name/Display name/Full name; Role/Position). Throws SourceError when
// there is no email column.
std::vector<StaffEntry> readStaffCsv(const QString &path, QStringList *warnings = nullptr);

// "Assistant Principal" -> "admin", "Classroom teacher" -> "teacher".
QString staffRoleFromText(const QString &text);

} // namespace tt
