#pragma once
// Readiness: the one list that says whether a recovery may be written. Each item is blocking (the Commit waits
// for it) or a warning, and names the step and the row where it is resolved. Computed from the project, the
// rebuilt roster and its decisions, and (once there is one) the plan and the target database. Used by the Plan
// and Commit pages (through ReadinessSession) and by the CLI (`plan --json`, `apply`).
//
// "Accept every suggestion" answers every open question with its suggested answer: the rows a question is about
// are decided as suggested, probable duplicate students are merged into the id with the leading zeros. What was
// accepted is kept in the project (section "readiness") and written into the AuditLog row of the next apply.
#include "roster/roster.h"
#include "roster/rosterdecisions.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

namespace tt {

class Project;
struct RecoveryPlan;
struct ServerIdentity;

struct ReadinessItem
{
    enum class Severity { Blocking, Warning };
    Severity severity = Severity::Warning;
    QString kind;    // "openQuestion", "probableDuplicate", "crossSchoolConflict", "teacherWithoutName",
                     // "quarantined", "conflictingDuplicate", "unlinkedLogs", "targetEnvironment",
                     // "schemaColumnMissing", "schemaColumnUnfillable"
    QString subject; // what it is about: a student id, "0421 / 421", an email, a class code, a file, a database
    QString detail;  // a sentence an administrator understands
    QString step;    // where it is resolved: "validate", "teachers", "classrooms", "students", "links",
                     // "database", "plan", "commit"
    QString row;     // the row on that step (student id, email, class code, uuid, quarantine index); may be empty
    QString suggestion; // the suggested answer ("Keep the suggested name, class, …", "Merge 421 into 0421"); empty
                        // when there is none to accept
    QString conflictKind; // for openQuestion: the roster conflict's kind ("nameVariants", ...)

    bool isBlocking() const { return severity == Severity::Blocking; }
    QString severityName() const { return isBlocking() ? QStringLiteral("blocking") : QStringLiteral("warning"); }
    // {severity, kind, subject, detail, step, row}
    QJsonObject toJson() const;
};

struct ReadinessInput
{
    const Project *project = nullptr;          // quarantine, duplicates, project file name
    const Roster *roster = nullptr;            // required
    const RosterDecisions *decisions = nullptr; // required
    const RecoveryPlan *plan = nullptr;        // cross-school conflicts (none before a plan)
    bool skipConflicting = false;              // the administrator chose to leave colliding rows out
    const ServerIdentity *target = nullptr;    // the connected database (none before connecting)
    QString projectPath;                       // its file name can say which environment is meant
    QString expectedEnvironment;               // "production", "staging", "development", "test"; empty = from the path
};

class Readiness
{
public:
    static std::vector<ReadinessItem> assess(const ReadinessInput &in);
    static int blockingCount(const std::vector<ReadinessItem> &items);
    static QJsonArray toJson(const std::vector<ReadinessItem> &items);
    // One line per item: "BLOCKING probableDuplicate 0421 / 421: … (students, row 0421)"
    static QStringList describe(const std::vector<ReadinessItem> &items, bool blockingOnly = false);

    // The environment a name speaks of ("tracktally_stage" -> "staging"), empty when none; words are split on
    // anything that is not a letter or digit, so "production-db" counts but "devon" or "contest" do not.
    static QString environmentOf(const QString &name);

    // One accepted suggestion: what the question was and the answer taken.
    struct Accepted
    {
        QString kind;    // the readiness item's kind
        QString subject;
        QString answer;
        QJsonObject toJson() const;
        static Accepted fromJson(const QJsonObject &o);
    };
    // The decisions after accepting every open question's suggestion (the blocking items that have one).
    // accepted receives what was answered.
    static RosterDecisions acceptSuggestions(const Roster &roster, const RosterDecisions &decisions,
                                             const std::vector<ReadinessItem> &items, std::vector<Accepted> *accepted);
    // Accepts, rebuilds the roster with the answers (rebuild), and accepts again what the rebuilt roster asks
    // (a merged student can raise a question of its own), until nothing acceptable is left (at most 4 rounds).
    // finalRoster, when given, receives the last roster built.
    static RosterDecisions acceptEverySuggestion(const Roster &roster, const RosterDecisions &decisions,
                                                 const std::function<Roster(const RosterDecisions &)> &rebuild,
                                                 std::vector<Accepted> *accepted, Roster *finalRoster = nullptr);
    // The project keeps what was accepted (appended) in section "readiness".
    static void recordAccepted(Project &project, const std::vector<Accepted> &accepted, const QString &how);
    // What the project says was accepted and is still in effect (an undo takes an answer back).
    static QJsonArray acceptedInEffect(const Project &project, const RosterDecisions &decisions);
};

// The plan as JSON with its readiness list (`plan --json`, the Plan page's "Save plan as JSON").
QJsonObject planJsonWithReadiness(const RecoveryPlan &plan, const std::vector<ReadinessItem> &items);

} // namespace tt
