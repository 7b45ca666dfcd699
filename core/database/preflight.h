#pragma once
// The migration rehearsal: a migration script is run on a restored copy of the target, never on the
// target. A fresh backup of the target is restored into a private sandbox, every table's rows are read
// (one hash per row, by primary key), the migration runs in one transaction, and the rows are read again.
// A migration that loses or changes an existing row is refused; one that fails shows PostgreSQL's message.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

class Database;
class Progress;

struct PreflightOptions
{
    QString migrationFile;
    QString dir;     // where the backup is kept and the sandbox lives while it runs (empty = a temporary folder)
    QString envFile; // TrackTally's .env: warn when its URLs name another database than the one rehearsed
};

struct PreflightTable
{
    QString table;
    qint64 rowsBefore = 0;
    qint64 rowsAfter = 0; // -1: the table is gone after the migration
    qint64 lost = 0;      // rows whose key is gone (without a key: rows whose content is gone)
    qint64 changed = 0;   // rows whose key is still there with other content
    qint64 added = 0;
    QStringList droppedColumns;
    bool recreated = false; // dropped and created again by the migration
    bool harmed() const { return lost > 0 || changed > 0; }
};

struct PreflightResult
{
    QString database; // the target's name, host, port and system identifier: what was rehearsed
    QString host;
    QString port;
    QString systemIdentifier;
    QString serverVersion;
    QStringList warnings; // the target looks like another environment, the .env disagrees
    QString migrationFile;
    QString migrationSha256;
    QString backupFile;   // kept only with --dir
    qint64 backupBytes = 0;
    bool migrationFailed = false;
    QString migrationError; // PostgreSQL's message
    std::vector<PreflightTable> tables;
    QStringList newTables;
    qint64 backupMs = 0, sandboxMs = 0, restoreMs = 0, migrationMs = 0, compareMs = 0, totalMs = 0;

    bool safe() const; // the migration ran and no existing row was lost or changed
    QStringList harmedTables() const;
    QString describe() const;
    QJsonObject toJson() const;
};

class MigrationRehearsal
{
public:
    // Only reads the target (identify, pg_dump). Throws tt::UserError (migration file unreadable),
    // tt::RefusalError (pg_dump too old), tt::DatabaseError (backup or restore failed), tt::Cancelled.
    static PreflightResult run(Database &target, const PreflightOptions &options, Progress *progress = nullptr);

    // Warnings about which environment a database looks like (its name, its contents, the .env file).
    static QStringList environmentWarnings(const QString &database, qint64 rowsInUse, const QString &envFile);
};

} // namespace tt
