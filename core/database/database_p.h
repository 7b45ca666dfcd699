#pragma once
// Internal: the libpqxx side of tt::Database, shared by the files of core/database only.
#include "database.h"

#include <QSet>
#include <pqxx/pqxx>
#include <string>

namespace tt {

class DatabasePrivate
{
public:
    ConnectionSpec spec;
    std::unique_ptr<pqxx::connection> conn;
    qint64 statements = 0; // round trips issued through exec(), for the statement-count figure
    int statementTimeoutMs = 120000; // 0 = none
};

inline std::string toStd(const QString &s)
{
    return s.toStdString();
}
inline QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}
inline QString fromField(const pqxx::field &f)
{
    return f.is_null() ? QString() : QString::fromUtf8(f.c_str());
}

// Tests only: when TT_TEST_PAUSE_AFTER names this point, prints "TT_TEST_PAUSED <point>" on stderr and
// sleeps TT_TEST_PAUSE_SECONDS (default 30) so a test can strike there (kill, Ctrl+C, damage a file).
void testPause(const char *point);

// A PostgreSQL array literal for "= ANY($1::text[])".
std::string pgTextArray(const QStringList &values);
// A message a person understands for a libpqxx exception (passwords redacted).
QString describeDbError(const std::exception &e);

// How the recovery depends on a column of TrackTally's schema (DOMAIN.md; a real database can be at any point
// of TrackTally's migration history).
enum class ColumnNeed {
    Required,         // the recovery fills it: a database without it is refused (table and column named)
    Optional,         // written when present; without it the database is still a working TrackTally database
    ForCommendations, // Incident.type: required when the recovery holds commendations, optional otherwise
};
struct SchemaColumn
{
    const char *name;
    ColumnNeed need = ColumnNeed::Required;
};
// The tables and columns TrackTally has (DOMAIN.md), in order. For the tables the recovery writes, these are
// exactly the columns it writes.
struct RequiredTable
{
    const char *name;
    std::vector<SchemaColumn> columns;
};
const std::vector<RequiredTable> &requiredSchema();

// The columns a database actually has, as read from its catalog (the tables its search path finds).
struct ColumnFacts
{
    QSet<QString> tables;
    QSet<QString> columns;      // "Table.column"
    QStringList unfillable;     // "Table.column": NOT NULL without a default, in a table the recovery writes,
                                // but not a column the recovery knows (it could not give it a value)
    bool has(const char *table, const char *column) const
    {
        return columns.contains(QString::fromLatin1(table) + u'.' + QString::fromLatin1(column));
    }
};
// One query (text for exec): table, column, unfillable flag (0/1) for every column of the given tables.
std::string columnFactsQuery();
// Adds one row of columnFactsQuery()'s result.
void addColumnFact(ColumnFacts &facts, const QString &table, const QString &column, bool notNullWithoutDefault);

// The gaps of a database, for a recovery holding `commendations` commendations (Incident.type is required
// when there is one; -1: not known, optional). Tables missing entirely are not listed (SchemaReport::missingTables says so).
std::vector<SchemaGap> schemaGaps(const ColumnFacts &facts, qint64 commendations);

// The tables the recovery inserts into (apply needs SELECT and INSERT on each).
const std::vector<const char *> &writtenTables();

} // namespace tt
