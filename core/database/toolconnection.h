#pragma once
// How PostgreSQL's client tools (pg_dump, pg_restore, psql) reach a database without a secret on their
// command line (where any user of the machine can read it with ps): --dbname gets the connection without
// password and sslpassword; the password goes through PGPASSWORD in the child's own environment, the
// sslpassword through a service file (0600, in a 0700 folder) that is removed with this object.
#include "connectionspec.h"

#include <QProcessEnvironment>
#include <QString>
#include <memory>

class QTemporaryDir;

namespace tt {

class ToolConnection
{
public:
    // Throws tt::DatabaseError when the private service file cannot be written.
    explicit ToolConnection(const ConnectionSpec &spec);
    ~ToolConnection();
    ToolConnection(const ToolConnection &) = delete;
    ToolConnection &operator=(const ToolConnection &) = delete;

    // The value for --dbname: keyword/value, no secret in it.
    const QString &dbname() const { return m_dbname; }
    // The child's environment: the system's, plus PGPASSWORD / PGSERVICEFILE when needed.
    const QProcessEnvironment &environment() const { return m_env; }
    // The private folder holding the service file (empty when none was needed); gone after destruction.
    QString privateDir() const;

private:
    QString m_dbname;
    QProcessEnvironment m_env;
    std::unique_ptr<QTemporaryDir> m_dir;
};

} // namespace tt
