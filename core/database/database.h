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
    bool schemaPresent = false;
    QString organizationId;   // this school's Organization row, when it exists
    QString organizationName;
    std::vector<TableCount> counts;

    QString describe() const; // a few lines for a banner / the CLI
};

struct SchemaReport
{
    QStringList missingTables;
    QStringList missingColumns; // "Table.column"
    QStringList missingEnumValues; // "LmsProvider" or "LmsProvider.SIMON"
    bool ok() const { return missingTables.isEmpty() && missingColumns.isEmpty() && missingEnumValues.isEmpty(); }
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

    DatabasePrivate *d() const { return m_d.get(); }

private:
    std::unique_ptr<DatabasePrivate> m_d;
};

} // namespace tt
