#pragma once
// Plan, apply and verify the recovered school against a TrackTally database.
// Never an UPDATE of existing rows, nor DELETE, DROP, TRUNCATE or ALTER: only INSERT … ON CONFLICT DO NOTHING
// (the roster, from staging tables) and a COPY of the incidents the plan found nowhere (under a savepoint: a row
// that appears meanwhile sends them through staging and ON CONFLICT DO NOTHING too), in one transaction with a
// constant number of statements whatever the row count.
#include "backup.h"
#include "database.h"

#include "project/schoolinfo.h"
#include "records/incidentrecord.h"
#include "roster/roster.h"

#include <QJsonObject>
#include <QString>
#include <memory>
#include <vector>

namespace tt {

class Database;
class Progress;
struct RecoveryDryRun;

struct RecoveryInput
{
    SchoolInfo school;
    std::vector<IncidentRecord> records; // the accepted records
    Roster roster;                       // roster.links parallel to records
    QString projectSha256;
};

struct TablePlan
{
    qint64 toInsert = 0;
    qint64 existing = 0;    // already there for this school: skipped
    qint64 conflicting = 0; // belongs to another school: left out
};

struct RowConflict
{
    QString table;       // "Teacher", "Classroom", "Student", "Incident"
    QString key;         // the email, class code, student id or uuid
    QString otherSchool; // the other school's name (or "(no school)")
    QString otherDomain;
};

// An email or class code that matches an existing row only when case is ignored ("Jane.Doe@School.org" in
// the database, "jane.doe@school.org" in the project): the same person or class, never inserted twice.
struct CaseDifference
{
    QString table;    // "Teacher", "Classroom"
    QString key;      // as the project has it
    QString existing; // as the database has it
    bool sameSchool = false; // this school's row (skipped, linked to) or another school's (a conflict)
    QString school;   // the existing row's school
};

struct DroppedLink
{
    QString uuid;
    QString what;   // "student", "classroom"
    QString key;    // the student id or class code it would have linked to
    QString reason;
};

struct PlannedLink
{
    QString studentId; // empty = NULL
    QString classCode; // empty = NULL (classroomId)
};

struct RecoveryPlan
{
    QString database;
    bool organizationExists = false;
    QString organizationId;
    TablePlan organization, teachers, classrooms, teacherClasses, students, incidents;
    std::vector<RowConflict> conflicts;
    std::vector<DroppedLink> droppedLinks; // links left NULL because of a conflict
    std::vector<CaseDifference> caseDifferences; // JSON "caseDifferences"
    std::vector<PlannedLink> links;        // parallel to the input records
    std::vector<bool> incidentAccepted;    // parallel: false = conflicting uuid (another school's)
    // Columns of TrackTally's schema this database lacks (a database built by TrackTally's own migrations has
    // no Organization.lmsProvider, an older one no Incident.type): not written when optional; a required one
    // (the recovery must fill it) refuses the write. JSON "missingColumns" / "unfillableColumns".
    std::vector<SchemaGap> schemaGaps;

    bool hasConflicts() const { return !conflicts.empty(); }
    // The first column the recovery must fill but cannot (missing, or not TrackTally's and NOT NULL without a
    // default); nullptr when the write can go ahead.
    const SchemaGap *blockingGap() const;
    QJsonObject toJson() const;
    QString describe() const;
};

struct ApplyOptions
{
    QString confirmDatabase;  // must equal the connected database's name
    QString backupDir;        // apply takes a verified backup here first
    bool skipConflicting = false;
    QString performedBy;      // empty = the OS user
    QString runId;            // empty = generated
    // Added to the AuditLog row's meta (e.g. "acceptedSuggestions"); never replaces a key the writer sets.
    QJsonObject auditMeta;
};

// Where an apply's time went: one step (target checks, dry-run plan, backup, lock and plan, each table's write,
// audit row, commit) and its wall-clock milliseconds, in order.
struct ApplyStep
{
    QString name;
    double ms = 0;
};

struct ApplyResult
{
    RecoveryPlan plan;
    BackupResult backup;
    QString runId;
    QString organizationId;
    qint64 insertedOrganizations = 0, insertedTeachers = 0, insertedClassrooms = 0, insertedTeacherClasses = 0,
           insertedStudents = 0, insertedIncidents = 0;
    qint64 statements = 0;      // statements sent in the write transaction (constant)
    bool outcomeWasUnknown = false; // the connection broke during COMMIT; settled by txid_status()
    QString transactionId;          // txid_current() of the write transaction, read before COMMIT
    // Nothing was new: the transaction was rolled back, so not even an AuditLog row was written.
    bool nothingToWrite = false;
    std::vector<ApplyStep> steps;
    QString describe() const;
};

struct VerifyResult
{
    qint64 incidentsChecked = 0, incidentsPresent = 0, linkedStudents = 0, linkedClassrooms = 0;
    qint64 teachersPresent = 0, classroomsPresent = 0, studentsPresent = 0;
    // What the plan expects, for a checklist beside the counts above.
    bool organizationPresent = false;
    qint64 studentLinksExpected = 0, classroomLinksExpected = 0;
    qint64 teachersExpected = 0, classroomsExpected = 0, studentsExpected = 0;
    qint64 incidentsDuplicated = 0; // present more than once
    // Every field written, compared: incidents (student name, teacher, level, category, location, action, note,
    // device, timestamp, type) and students (first and last name, guardians, notes, classroom).
    qint64 incidentFieldsChecked = 0, incidentFieldsDiffering = 0;
    qint64 studentFieldsChecked = 0, studentFieldsDiffering = 0;
    QStringList differences;
    bool ok() const { return differences.isEmpty(); }
    QJsonObject toJson() const;
};

enum class CommitOutcome { Committed, RolledBack, Unknown };

class RecoveryWriter
{
public:
    RecoveryWriter(Database &db, const RecoveryInput &input);

    // A read-only dry run.
    RecoveryPlan plan(Progress *progress = nullptr);
    // Throws tt::RefusalError (nothing written) for a missing/wrong confirmation, a failed backup or
    // unresolved conflicts; tt::DatabaseError for a failure (rolled back: tt::RolledBackError when a lost
    // COMMIT was settled as aborted), tt::OutcomeUnknownError when a lost COMMIT cannot be settled;
    // tt::Cancelled when cancelled (rolled back).
    ApplyResult apply(const ApplyOptions &options, Progress *progress = nullptr);
    // Re-reads the database and compares it with the plan.
    VerifyResult verify(Progress *progress = nullptr);

    // Looks for the AuditLog row of a run (by its run id). Used to settle an unknown COMMIT outcome.
    static bool runCommitted(Database &db, const QString &runId);
    // What became of a transaction whose COMMIT was lost: txid_status(transactionId), asked again while it is
    // still in progress (a COMMIT in flight) for up to waitMs; when the server no longer knows the id, this
    // run's AuditLog row (committed) or Unknown.
    static CommitOutcome commitOutcome(Database &db, const QString &transactionId, const QString &runId,
                                       int waitMs = 30000);

private:
    // Apply's first step: the confirmed database, reached directly, with the privileges; no unresolved
    // conflicts in a dry run; a verified backup (into result.backup). Throws tt::RefusalError. Returns the dry
    // run (its keys and plan), which the plan inside the write transaction reuses when nothing changed.
    std::shared_ptr<RecoveryDryRun> refuseUnlessSafe(const ApplyOptions &options, ApplyResult &result,
                                                     Progress *progress);

    Database &m_db;
    const RecoveryInput &m_input;
};

} // namespace tt
