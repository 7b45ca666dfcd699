#pragma once
// A verified backup before any write: pg_dump in custom format into a folder, file named after the
// database and the UTC time, checked with `pg_restore --list` for TrackTally's tables.
#include <QString>
#include <QStringList>

namespace tt {

class Database;
class Progress;

struct BackupResult
{
    QString file;          // absolute path
    QString database;
    qint64 bytes = 0;
    QStringList tables;    // TrackTally tables found in the archive's table of contents
    QString pgDumpVersion; // "15.18"
    QString dumpedDatabase;      // the archive's own header (pg_restore --list): "dbname: …"
    QString dumpedServerVersion; // "Dumped from database version: …"
    bool verified = false;
};

class Backup
{
public:
    // Dumps the database `db` is connected to into dir. Throws tt::RefusalError when pg_dump is older
    // than the server, tt::DatabaseError when the dump or its verification fails (the file is removed).
    // snapshot: a snapshot exported by another connection's open transaction (pg_export_snapshot()); the
    // dump then shows the database exactly as that transaction sees it (pg_dump --snapshot).
    // The file is readable by its owner only (0600).
    static BackupResult run(Database &db, const QString &dir, Progress *progress = nullptr,
                            const QString &snapshot = QString());
    // Checks the header of `pg_restore --list` output against the database the backup was meant to hold.
    // Fills result's dumpedDatabase/dumpedServerVersion; returns what disagrees (empty when all agrees).
    static QString checkDumpHeader(const QString &toc, const QString &database, const QString &serverVersion,
                                   BackupResult *result);
    // The pg_dump / pg_restore to use: the newest /usr/lib/postgresql/*/bin, else PATH.
    static QString findTool(const QString &name);
};

} // namespace tt
