#pragma once
// Internal: the libpqxx side of tt::Database, shared by the files of core/database only.
#include "database.h"

#include <pqxx/pqxx>
#include <string>

namespace tt {

class DatabasePrivate
{
public:
    ConnectionSpec spec;
    std::unique_ptr<pqxx::connection> conn;
    qint64 statements = 0; // round trips issued through exec(), for the statement-count figure
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

// The tables and columns TrackTally needs (DOMAIN.md), in order.
struct RequiredTable
{
    const char *name;
    std::vector<const char *> columns;
};
const std::vector<RequiredTable> &requiredSchema();
// The tables the recovery inserts into (apply needs SELECT and INSERT on each).
const std::vector<const char *> &writtenTables();

} // namespace tt
