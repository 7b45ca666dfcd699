#pragma once
// The restore drill: proof that today's backup can be restored. A backup is taken inside a snapshot
// (one connection holds a REPEATABLE READ transaction and exports it, pg_dump --snapshot dumps exactly
// what it sees), every table's row count and content checksum is computed in the same snapshot, the
// backup is restored into a private sandbox under the drill folder, and each table is compared.
// Writers may keep writing during the drill: both sides describe the same instant.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

class Database;
class Progress;

struct DrillOptions
{
    QString dir;  // backups go here; the sandbox lives in DIR/drill-sandbox while the drill runs
    int keep = 0; // after a passing drill keep the newest N backups this tool wrote (0 = keep all)
};

struct DrillTable
{
    QString table;
    qint64 sourceRows = 0;
    QString sourceChecksum;
    qint64 restoredRows = -1; // -1: not in the restored copy
    QString restoredChecksum;
    bool ok() const { return restoredRows == sourceRows && restoredChecksum == sourceChecksum; }
};

struct DrillResult
{
    QString database;         // current_database() of the source
    QString host;
    QString port;
    QString systemIdentifier; // empty when not readable
    QString serverVersion;
    QString snapshot;         // the exported snapshot the dump and the checksums used
    QString backupFile;
    qint64 backupBytes = 0;
    QString restoreError;     // pg_restore's message when the backup could not be restored
    std::vector<DrillTable> tables;
    QStringList removedBackups; // pruned by --keep
    qint64 backupMs = 0, sandboxMs = 0, restoreMs = 0, compareMs = 0, totalMs = 0;

    bool ok() const;
    int failedTables() const;
    QString describe() const; // the pass/fail table and a verdict
    QJsonObject toJson() const;
};

class RestoreDrill
{
public:
    // Throws tt::RefusalError (pg_dump older than the server, no PostgreSQL server programs for the sandbox),
    // tt::DatabaseError (cannot connect, dump failed), tt::Cancelled. A restore that fails or a copy that
    // differs is a result (ok() false), not an exception.
    static DrillResult run(Database &source, const DrillOptions &options, Progress *progress = nullptr);

    // Backups in dir written by the drill (name pattern AND the marker file beside each, naming the file
    // and its size), of one database (empty = all), oldest first.
    static QStringList drillBackups(const QString &dir, const QString &database = QString());
    // Removes all but the newest `keep` of drillBackups(dir, database) (and their markers); returns what it
    // removed. Any other file in dir is never touched.
    static QStringList pruneBackups(const QString &dir, const QString &database, int keep);

    // A systemd user service + timer (and a cron line) running this drill daily.
    static QString schedule(const QString &program, const QString &database, const QString &dir, int keep);
};

} // namespace tt
