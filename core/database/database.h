#pragma once
// A connection to a TrackTally database: who it is (identify), whether it has TrackTally's schema.
#include "connectionspec.h"

#include "common/errors.h"

#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace tt {

class DatabasePrivate;

// Refusals of the database layer (no confirmation, wrong database, no backup, unresolved conflicts,
// old pg_dump): the CLI exits 3 with this message.
class RefusalError : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

// The connection broke during COMMIT and the server could not say what became of the transaction: the
// recovery may or may not be in the database. Never apply again blindly; verify. (CLI exit 4.)
class OutcomeUnknownError : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

// The write transaction was rolled back (a failure, or a lost COMMIT the server settled as aborted):
// nothing was written, and applying again is safe. (CLI exit 1.)
class RolledBackError : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

struct TableCount
{
    QString table;
    qint64 thisSchool = 0;
    qint64 otherSchools = 0;
};

struct ServerIdentity
{
    QString host;             // host name or socket directory
    QString port;
    QString database;         // current_database()
    QString user;
    QString serverVersion;    // "15.18 (Debian …)"
    int serverVersionNum = 0; // 150018
    QString systemIdentifier; // empty when not readable with these privileges
    bool localSocket = false; // a Unix socket: nothing crosses a network
    bool tls = false;         // the connection is encrypted (pg_stat_ssl for this backend)
    QString tlsProtocol;      // "TLSv1.3"
    QString tlsCipher;        // "TLS_AES_256_GCM_SHA384"
    QString poolerReason;     // why the address looks like a transaction pooler; empty when it does not
    QStringList notes;        // what was changed in the connection text (Prisma options)
    bool schemaPresent = false;
    QString organizationId;   // this school's Organization row, when it exists
    QString organizationName;
    std::vector<TableCount> counts;

    QString describe() const; // a few lines for a banner / the CLI
};

// A column of TrackTally's schema that a database lacks (or a column of its own the recovery cannot fill).
struct SchemaGap
{
    QString table;
    QString column;
    bool required = false; // the recovery must fill it: writing is refused
    bool unknown = false;  // not TrackTally's column: NOT NULL without a default, and no value for it
    QString meaning;       // what it means for TrackTally, for people
};

// TrackTally's schema as a recovery needs it. A database built by TrackTally's own migrations can lack columns
// the recovery does not need (Organization.lmsProvider, Incident.type without commendations): listed in
// optionalColumnsMissing, not written, and still ok(). Incident.type is judged here as if the recovery held no
// commendations; the plan judges it for the real records.
struct SchemaReport
{
    QStringList missingTables;
    QStringList missingColumns; // "Table.column": columns the recovery must fill
    QStringList missingEnumValues; // "LmsProvider" or "LmsProvider.SIMON" (only when the column is there)
    QStringList optionalColumnsMissing; // "Table.column": not written; TrackTally works without them
    QStringList unfillableColumns; // "Table.column": not TrackTally's, NOT NULL without a default
    QStringList gapMeanings;    // "Table.column: what it means for TrackTally", one per column above
    bool ok() const
    {
        return missingTables.isEmpty() && missingColumns.isEmpty() && missingEnumValues.isEmpty()
            && unfillableColumns.isEmpty();
    }
    QString describe() const;
};

// What says which database a connection reaches, whatever address, user or pooler led there.
struct DatabaseFingerprint
{
    QString database;         // current_database()
    QString databaseOid;      // pg_database.oid
    QString systemIdentifier; // pg_control_system(); empty when these privileges may not read it
    QString startedAt;        // pg_postmaster_start_time(), to the microsecond
    QString serverAddress;    // inet_server_addr():inet_server_port(); empty over a Unix socket
};

struct DatabaseMatch
{
    bool same = false;
    QString basis;       // what the decision rests on, for people
    QString explanation; // one sentence: same or different, and why
};

// Same database when the system identifiers (or, when either cannot be read, the server's start time
// and the database's oid) and the database names agree. Pure: no connection.
DatabaseMatch compareDatabases(const DatabaseFingerprint &a, const DatabaseFingerprint &b);
// Connects to both and compares them: the check the .env reader uses for DATABASE_URL vs
// DIRECT_DATABASE_URL. Throws tt::DatabaseError (redacted) when either cannot be reached.
DatabaseMatch sameDatabase(const ConnectionSpec &a, const ConnectionSpec &b);

// What this role may not do: SELECT on every table and sequence pg_dump reads (backup); SELECT and
// INSERT on each table the recovery writes, and TEMPORARY tables in the database (apply).
struct PrivilegeReport
{
    QString user;
    QStringList missingForBackup; // "SELECT on public.\"Teacher\""
    QStringList missingForApply;
    bool ok() const { return missingForBackup.isEmpty() && missingForApply.isEmpty(); }
    QString describe() const;
};

class Database
{
public:
    // Connects (libpq URL, conninfo or service; safe defaults added) and sets statement_timeout.
    // Throws tt::DatabaseError with a redacted message when the database cannot be reached.
    explicit Database(const ConnectionSpec &spec, int statementTimeoutMs = 120000);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const ConnectionSpec &spec() const;
    QString databaseName();
    int backendPid() const; // the server process serving this connection (tests match it in the server log)
    ServerIdentity identify(const QString &domain);
    SchemaReport checkSchema();
    DatabaseFingerprint fingerprint();
    PrivilegeReport checkPrivileges();
    // Throws tt::RefusalError when the connection goes through a transaction pooler: pg_dump and the
    // apply's session (advisory lock, temporary tables) need the direct address. what: "back up", "write".
    void refuseIfPooled(const QString &what) const;

    DatabasePrivate *d() const { return m_d.get(); }

private:
    std::unique_ptr<DatabasePrivate> m_d;
};

} // namespace tt
