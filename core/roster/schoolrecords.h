#pragma once
// The school's own records, optional inputs to the roster reconstruction: its student roster CSV and its
// staff list CSV. Headers vary between schools; they are matched by alias, ignoring case, spaces and
// punctuation ("Student ID", "student_id", "STUDENT-ID" are one column).
#include "sheets/cell.h"

#include <QList>
#include <QMap>
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

// Accounts a deployment's own configuration names: TrackTally's .env lists the school's administrators
// (ADMIN_EMAILS, who get role "admin") and TrackTally's operators (SUPER_ADMIN_EMAILS, who are not school staff).
struct AccountLists
{
    QStringList adminEmails;      // trimmed, case-folded
    QStringList superAdminEmails; // trimmed, case-folded
    QString source;               // the file they came from, for the evidence: "/srv/tracktally/.env"
    bool isEmpty() const { return adminEmails.isEmpty() && superAdminEmails.isEmpty(); }
    bool operator==(const AccountLists &) const = default;
};

// The header as a key: lower case, letters and digits only ("Student ID" -> "studentid").
QString headerKey(const QString &header);

// Which column each field of a school list comes from (-1: none): detected from the header by alias, or
// chosen by the administrator in the import's mapping step.
struct SchoolListColumns
{
    enum Kind { Roster, Staff };
    Kind kind = Roster;
    QStringList headers;          // the header row as the file writes it
    qint64 headerRow = 0;         // its row number
    std::vector<SheetRow> preview; // up to 8 rows after the header, for the mapping step
    QMap<QString, int> fields;    // field key (fieldKeys()) -> column index
    QList<int> guardians;         // roster: every guardian/parent/caregiver column

    // Roster: studentId firstName lastName fullName class notes; staff: email name firstName lastName role.
    static QStringList fieldKeys(Kind kind);
    static QString fieldTitle(const QString &key); // "Student ID", for the mapping step
    int column(const QString &field) const { return fields.value(field, -1); }
    void setColumn(const QString &field, int column);
    // What stops this mapping from being used, in an administrator's words (empty = nothing): a required
    // field without a column (roster: the id, and a surname or a full name; staff: the e-mail address).
    QString problem() const;
    // The columns guessed from the header keys (headerKey of each header).
    static SchoolListColumns detect(Kind kind, const QStringList &headers);
};

// Reads the header and the first rows of a school list to propose its columns. Throws SourceError when the
// file does not exist, cannot be read or is empty.
SchoolListColumns detectSchoolListColumns(const QString &path, SchoolListColumns::Kind kind);

// Read a student roster CSV. Throws SourceError naming the file (and row/column) when the file cannot be
// used: unreadable, no header with a student id column, no name columns. Rows that cannot be used (no id,
// an id seen before) are skipped with a warning. columns: the mapping chosen by the administrator (its
// headers must match the file's); nullptr = detected from the header.
std::vector<RosterEntry> readRosterCsv(const QString &path, QStringList *warnings = nullptr,
                                       const SchoolListColumns *columns = nullptr);

// Read a staff list CSV (Email; Name/Display name/Full name; Role/Position). Throws SourceError when
// there is no email column.
std::vector<StaffEntry> readStaffCsv(const QString &path, QStringList *warnings = nullptr,
                                     const SchoolListColumns *columns = nullptr);

// "Assistant Principal" -> "admin", "Classroom teacher" -> "teacher".
QString staffRoleFromText(const QString &text);

} // namespace tt
