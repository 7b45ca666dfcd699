#pragma once
// What an auditor needs to know about each apply, kept in the project (section "applied", one entry per apply
// that wrote something): the server, database and system identifier, the run id, when and by whom, the backup
// file with its size and SHA-256, the rows inserted per table, the questions the administrator answered by hand
// and those accepted with "Accept every suggestion", the readiness warnings acknowledged, and (after a verify)
// the verification result. Recorded by the CLI (apply, verify) and the wizard (Commit, Verify) alike; the
// report (core/report) shows it as `applied` in JSON and a section in HTML/PDF.
#include "database/database.h"
#include "database/recoverywriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace tt {

class Project;
class RosterDecisions;
struct ReadinessItem;

struct ApplyRecord
{
    // One entry, built on the thread that applied (it reads the backup file for its SHA-256).
    // warnings: the readiness list when writing (its warnings were acknowledged by writing anyway).
    static QJsonObject make(const ApplyResult &result, const ServerIdentity &target, const QString &performedBy,
                            const std::vector<ReadinessItem> &warnings, const Project &project,
                            const RosterDecisions &decisions);
    // Appends the entry (nothing when the apply wrote nothing: no AuditLog row either).
    static void add(Project &project, const QJsonObject &entry);
    // Sets "verified" on the latest entry for the database that identity names (system identifier and name);
    // false when no apply to it is recorded.
    static bool setVerified(Project &project, const ServerIdentity &target, const VerifyResult &verified);
    static QJsonArray all(const Project &project);
};

} // namespace tt
