#pragma once
// The roster the school lost, rebuilt from what its incidents reveal: drafts with their evidence.
// Produced by RosterBuilder (roster/rosterbuilder.h); consumed by the report, the GUI and database/.
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

struct TeacherDraft
{
    QString email;             // case-folded, trimmed: the key
    QString displayName;       // suggestion or decision; empty when nothing plain was found
    QString displayNameSource; // "staff list", "email", "administrator", or empty
    QString role = QStringLiteral("teacher"); // "teacher" or "admin"
    bool isSpecialist = false;
    QString specialistEvidence; // e.g. "logged in 9 classes, 87% with location Specialist"
    bool decided = false;       // the administrator changed or accepted this row
    int incidents = 0;
    int commendations = 0;
    qint64 firstSeenMs = 0;
    qint64 lastSeenMs = 0;
    QStringList classes;            // canonical class codes, sorted
    QMap<QString, int> locations;   // location -> log count
    // Added by the roster builder:
    QString roleSource;         // "staff list", "administrator", or empty (the default)
    bool fromStaffOnly = false; // on the staff list, never in a log
    bool inStaffList = false;

    bool operator==(const TeacherDraft &) const = default;
};

struct ClassroomDraft
{
    QString code;               // written as most often seen
    QString name;               // defaults to the code
    QString homeroomTeacherEmail;
    QString homeroomEvidence;   // "jane.smith@…: 140 logs; runner-up …: 12 logs; margin 128"
    QString runnerUpEmail;
    int homeroomMargin = 0;
    QStringList specialistEmails; // TeacherClass rows to create
    int students = 0;           // students whose current class this is
    int logs = 0;
    bool decided = false;
    // Added by the roster builder:
    QString specialistEvidence;  // "art.teacher@…: 23 logs here (specialist)"
    bool fromRosterOnly = false; // only in the school roster's class column

    bool operator==(const ClassroomDraft &) const = default;
};

struct ClassStint
{
    QString classCode;
    qint64 firstMs = 0;
    qint64 lastMs = 0;
    int logs = 0;

    bool operator==(const ClassStint &) const = default;
};

struct StudentDraft
{
    QString studentId;          // the key; text
    QString firstName;
    QString lastName;
    QString classCode;          // current class (most recent logs), canonical code; may be empty
    QString guardians;          // from the school roster when given
    QString notes;
    QStringList nameVariants;   // other spellings seen for this id (besides the chosen one)
    std::vector<ClassStint> classHistory; // oldest first
    int logs = 0;
    bool fromRosterOnly = false; // in the school roster, never in a log
    bool decided = false;
    // Added by the roster builder:
    QString nameSource;    // "school roster", "logs", "administrator"
    QString nameEvidence;  // "'Mia Van der Berg' in 40 of 43 logs"
    QString classEvidence; // "12 of 14 logs in the 14 days up to their last log with a class were in 5JT"
    QStringList loggedIds; // ids the sheet used for this student when they differ ("421" for "0421")

    bool operator==(const StudentDraft &) const = default;
};

struct Conflict
{
    QString kind;    // "nameVariants", "idClash", "closeHomeroom", "twoClasses", "leadingZeros", ...
    QString subject; // what it is about: a student id, class code, email
    QString detail;  // a sentence an administrator understands
    // True only for a question the evidence cannot settle: it blocks the commit until answered.
    bool needsDecision = true;
    // For what the evidence settled automatically: the rule that settled it ("leadingZeroTwins",
    // "majoritySpelling", ...). Empty for questions. Settled items stay listed so they can be reviewed and undone.
    QString settledBy;

    bool operator==(const Conflict &) const = default;
};

// How one accepted record links to the rebuilt roster. Parallel to the accepted records.
struct RecordLink
{
    QString studentId;    // the Student.studentId it links to (may differ from the sheet: zeros, name match); empty = unlinked
    QString classCode;    // canonical classroom code; empty = unlinked
    QString teacherEmail; // teacher key; empty = unlinked
    QString studentReason;   // why unlinked, empty when linked
    QString classroomReason;

    bool operator==(const RecordLink &) const = default;
};

struct LinkSummary
{
    qint64 total = 0;
    qint64 student = 0;
    qint64 classroom = 0;
    qint64 teacher = 0;

    bool operator==(const LinkSummary &) const = default;
};

struct Roster
{
    std::vector<TeacherDraft> teachers;     // sorted by email
    std::vector<ClassroomDraft> classrooms; // sorted by code
    std::vector<StudentDraft> students;     // sorted by studentId
    std::vector<RecordLink> links;          // one per accepted record, same order
    LinkSummary summary;
    std::vector<Conflict> conflicts;
    QMap<QString, qint64> unlinkedReasons; // reason -> records (student or classroom links)

    const TeacherDraft *teacher(const QString &email) const;
    const ClassroomDraft *classroom(const QString &code) const;
    const StudentDraft *student(const QString &studentId) const;

    // Field by field (the roster cache is checked against a build with it).
    bool operator==(const Roster &) const = default;
};

} // namespace tt
