#pragma once
// The stages of RosterBuilder::build, in the order build() runs them, over one BuildState carried between them.
// Each stage reads what the stages before it left in the state and adds its own part; a new roster rule goes into
// the stage whose evidence it needs (or a new stage between two), and is tested on its own in
// tests/roster/tst_rosterstages.cpp by running the stages up to it. Not for callers outside core/roster and its
// tests: everyone else uses RosterBuilder.
#include "records/incidentrecord.h"
#include "roster.h"
#include "rosterbuilder.h"
#include "rosterdecisions.h"
#include "schoolrecords.h"

#include <QHash>
#include <QList>
#include <limits>
#include <utility>
#include <vector>

namespace tt {

class Progress;

namespace stages {

inline constexpr qint64 kMaxMs = std::numeric_limits<qint64>::max();
inline constexpr qint64 kMinMs = std::numeric_limits<qint64>::min();

// ---- Evidence aggregated from the records (indexes are into BuildState's vectors) ---------------------------
struct Spelling
{
    QString text; // trimmed
    int cls = -1;
    int count = 0;
};

struct ClassAgg
{
    QString key;  // case-folded
    QString code; // canonical spelling
    int bestCount = -1;
    int logs = 0;
    bool fromRoster = false;
};

struct TeacherAgg
{
    QString email; // key
    int incidents = 0;
    int commendations = 0;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    std::vector<int> locCounts; // by location index
    bool fromStaffOnly = false;
};

struct TeacherClass
{
    int logs = 0;
    int nonYard = 0;
};

struct Stint
{
    int cls = -1;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    int logs = 0;
};

struct NameCount
{
    QString name;
    int count = 0;
    qint64 last = kMinMs;
};

// One student id as logged.
struct IdAgg
{
    QString id;
    std::vector<NameCount> names;
    std::vector<Stint> stints;                    // per class: first, last, logs
    std::vector<std::pair<qint64, int>> classLogs; // (time, class) of every log with a class, for the history
    int logs = 0;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    int student = -1; // index into BuildState::students
};

// One student being built: the logged ids that resolved to it, merged.
struct StudentWork
{
    QString id;
    std::vector<NameCount> names;
    std::vector<Stint> stints;
    std::vector<std::pair<qint64, int>> classLogs;
    int logs = 0;
    qint64 first = kMaxMs;
    qint64 last = kMinMs;
    qint64 lastWithClass = kMinMs; // the last log that names a class: where the recent window ends
    int rosterIndex = -1;
    QStringList loggedIds;
    std::vector<std::pair<int, int>> recent;            // class -> logs in the recent window
    std::vector<std::pair<int, int>> classlessTeachers; // teacher -> logs without a class code
};

struct BuildInputs
{
    RecordView accepted;
    const std::vector<RosterEntry> &roster;
    const std::vector<StaffEntry> &staff;
    const RosterDecisions &decisions;
    const RosterBuilderOptions &options;
    Progress *progress = nullptr;
};

struct BuildState
{
    // collectEvidence
    QHash<QString, int> teacherByRaw, teacherByKey;
    std::vector<TeacherAgg> teachers;
    QHash<QString, int> spellingByRaw;
    std::vector<Spelling> spellings;
    QHash<QString, int> classByKey;
    std::vector<ClassAgg> classes;
    QHash<QString, int> locationByRaw;
    std::vector<QString> locationNames;
    std::vector<char> locationYard, locationSpecialist;
    QHash<quint64, TeacherClass> teacherClass; // (teacher << 32 | class) -> logs
    QHash<QString, int> idByRaw;
    std::vector<IdAgg> ids;
    std::vector<qint32> recTeacher, recClass, recId; // per record: teacher, class, logged id (-1: none)
    std::vector<qint64> noId;                        // records without a student id
    // settleClassCodes
    std::vector<std::vector<int>> teacherClasses;                        // teacher -> classes
    std::vector<std::vector<std::pair<int, TeacherClass>>> classTeachers; // class -> (teacher, logs)
    // buildTeachers
    std::vector<TeacherDraft> tdrafts; // parallel to teachers
    // resolveStudentIds
    QHash<QString, int> rosterById; // school list id -> index into the list
    std::vector<StudentWork> students;
    QHash<QString, int> studentById;
    int studentsWithLogs = 0; // students[0, studentsWithLogs) have logs; the rest are only on the list
    // chooseStudentNames
    std::vector<StudentDraft> sdrafts; // parallel to students
    // findNamesakes
    QHash<QString, QList<int>> studentsByName;       // every normalised name seen -> students
    QHash<QString, QList<int>> studentsByChosenName; // the chosen name -> students
    // linkRecords
    QHash<QString, std::pair<int, QString>> nameMatches; // logged name without id -> (student or -1, reason)
    // buildClassrooms
    std::vector<ClassroomDraft> cdrafts; // parallel to classes
    // every stage
    Roster out;
    std::vector<Conflict> conflicts;

    int internClass(const QString &code);
    QString classCodeOf(const QString &code) const; // the canonical spelling of a class code seen anywhere
    int studentFor(const QString &id);
    void question(const QString &kind, const QString &subject, const QString &detail);
    void task(const QString &kind, const QString &subject, const QString &detail);
};

// ---- The stages, in order ---------------------------------------------------------------------------------------
// Pass 1: one walk over the records, aggregating teachers, locations, classes and ids by interned keys.
void collectEvidence(const BuildInputs &in, BuildState &st);
// Each class's canonical spelling (the most logged), the classes only the school's list names, teacher x class.
void settleClassCodes(const BuildInputs &in, BuildState &st);
// Teacher drafts: counts, classes, display name (staff list, email), role, the specialist flag, decisions.
void buildTeachers(const BuildInputs &in, BuildState &st);
// Logged ids -> students: leading-zero twins (rules::leadingZeroTwins), the administrator's merges, list-only ids.
void resolveStudentIds(const BuildInputs &in, BuildState &st);
// Student drafts: the chosen name (school list, else the logs' best spelling), variants, majoritySpelling.
void chooseStudentNames(const BuildInputs &in, BuildState &st);
// One name under several ids: rules::namesakes settles it or asks.
void findNamesakes(const BuildInputs &in, BuildState &st);
// Pass 2: links of every record; logs without id matched by name; the recent classes of each student: the classes
// of their logs in the window (RosterBuilderOptions::recentWindowMs) that ends at their last log naming a class.
void linkRecords(const BuildInputs &in, BuildState &st);
// Each student's class history and current class (recent logs, the school's list, the administrator).
void inferStudentClasses(const BuildInputs &in, BuildState &st);
// Classroom drafts: homeroom teacher (with close calls), specialists, decisions; teachers with two homerooms.
void buildClassrooms(const BuildInputs &in, BuildState &st);
// Students no log places in a class: the class of the homeroom teacher who logged them, as a suggestion.
void suggestClassesFromHomerooms(const BuildInputs &in, BuildState &st);
// Students per class; teachers off the staff list; display names left to enter.
void countAndCheck(const BuildInputs &in, BuildState &st);
// Sorted drafts and conflicts moved into the roster.
Roster finish(const BuildInputs &in, BuildState &st);

} // namespace stages
} // namespace tt
