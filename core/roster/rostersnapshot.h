#pragma once
// A roster snapshot: the school's teachers, classrooms and students exactly as TrackTally stores them,
// written by `tracktally-recovery snapshot` as three CSV files with TrackTally's column names (teachers.csv,
// classrooms.csv, students.csv) and a snapshot.json naming the database and the time, in a 0700 folder with
// 0600 files. Read back, it is the school's own record of its roster: `reconstruct --snapshot DIR` takes
// every field it states as decided, and settles every question about a teacher, classroom or student it names.
#include "roster/roster.h"
#include "roster/rosterdecisions.h"
#include "roster/schoolrecords.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

struct SnapshotTeacher
{
    QString email;
    QString displayName;
    QString role = QStringLiteral("teacher");
    bool isSpecialist = false;
    bool active = true;
    bool operator==(const SnapshotTeacher &) const = default;
};

struct SnapshotClassroom
{
    QString code;
    QString name;
    bool archived = false;
    QString homeroomTeacherEmail;
    QStringList specialistEmails; // TeacherClass rows; written joined by "; "
    bool operator==(const SnapshotClassroom &) const = default;
};

struct SnapshotStudent
{
    QString studentId;
    QString firstName;
    QString lastName;
    QString classCode;
    QString guardians;
    QString notes;
    bool active = true;
    bool operator==(const SnapshotStudent &) const = default;
};

struct RosterSnapshot
{
    QString school;   // Organization.name
    QString domain;
    QString database; // where it was taken, for the record
    QString takenAt;  // ISO 8601 UTC
    std::vector<SnapshotTeacher> teachers;
    std::vector<SnapshotClassroom> classrooms;
    std::vector<SnapshotStudent> students;

    static const QStringList &teacherColumns();   // email displayName role isSpecialist active
    static const QStringList &classroomColumns(); // code name archived homeroomTeacherEmail specialistEmails
    static const QStringList &studentColumns();   // studentId firstName lastName classCode guardians notes active

    // The rows of each file (without the header), values as they are (not yet encodeSnapshotCell'd).
    std::vector<QStringList> teacherRows() const;
    std::vector<QStringList> classroomRows() const;
    std::vector<QStringList> studentRows() const;

    // Writes the three CSV files and snapshot.json into dir (created 0700), each 0600 and atomic.
    // Throws UserError naming the file.
    void write(const QString &dir) const;
    // Reads a snapshot folder. Throws SourceError naming the file, row and field (a missing file or column,
    // a value that is not true/false, a row without its key, a key seen twice).
    static RosterSnapshot read(const QString &dir);
    static bool looksLikeSnapshot(const QString &dir); // has snapshot.json and the three files

    // The snapshot as the school's lists and as decisions on every field it states.
    std::vector<RosterEntry> rosterEntries() const;
    std::vector<StaffEntry> staffEntries() const;
    // Sets every field it states as a decision (replacing earlier decisions on those fields).
    void decide(RosterDecisions &decisions) const;
    // Every teacher email, class code and student id it states (case-folded).
    QStringList subjects() const;
};

// A question about subjects a snapshot states (every student id, class code or teacher email the conflict's
// subject names is among `subjects`) is settled by it: needsDecision = false, settledBy = "rosterSnapshot".
void settleBySnapshot(Roster &roster, const QStringList &subjects);

// One snapshot cell and back: a value that starts with = + - @ a tab, a carriage return or ' gets a leading '
// (a spreadsheet then shows it as text), which decodeSnapshotCell removes again; exact both ways.
QString encodeSnapshotCell(const QString &value);
QString decodeSnapshotCell(const QString &cell);

} // namespace tt
