#pragma once
// Where to connect: a libpq URL (postgresql://…), a keyword/value conninfo ("host=… dbname=…") or a bare
// service name (from pg_service.conf). Parsed by libpq itself (PQconninfoParse), so it means exactly what
// psql and pg_dump make of it. Only the query options Prisma adds to its URLs (schema, pgbouncer,
// connection_limit, …) are interpreted or dropped first, each with a note for the user.
// password and sslpassword are secrets: never in redacted(), never saved, never on a command line.
// libpq itself still resolves services, PGPASSWORD and .pgpass.
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace tt {

class ConnectionSpec
{
public:
    ConnectionSpec() = default;
    // Throws tt::DatabaseError when the text cannot be understood; its message never holds any piece of
    // a password.
    static ConnectionSpec parse(const QString &text);

    QString value(const QString &key) const;
    bool has(const QString &key) const;
    void set(const QString &key, const QString &value);
    void setDefault(const QString &key, const QString &value); // only when not given
    void remove(const QString &key);

    // password and sslpassword.
    static bool isSecret(const QString &key);

    QString password() const { return value(QStringLiteral("password")); }
    QString sslPassword() const { return value(QStringLiteral("sslpassword")); }
    bool hasSecrets() const;
    QString database() const; // dbname, or empty (libpq's default applies)
    QString host() const;
    QString port() const;

    // keyword='value' … for libpq, secrets included (never print it).
    QString conninfo() const;
    // Same, without password and sslpassword: what a project saves and a child process is given.
    QString conninfoWithoutSecrets() const;
    QString conninfoWithoutPassword() const { return conninfoWithoutSecrets(); }
    ConnectionSpec withoutSecrets() const;
    // For people and logs: keyword/value form with password=*** and sslpassword=***.
    QString redacted() const;

    // Every host is this machine (a Unix socket, localhost, 127.x, ::1), or none is named.
    bool isLocal() const;

    // Adds connect_timeout (10 s), keepalives and tcp_user_timeout unless given, application_name, and
    // sslmode=require for a host that is not local unless a mode was chosen (here, in a service, or PGSSLMODE).
    ConnectionSpec withSafeDefaults() const;

    // What parse() changed in a Prisma URL, for the user: "schema=x is used as the search path", "…dropped".
    const QStringList &notes() const { return m_notes; }

    // Why this looks like a transaction pooler (PgBouncer): a host with "-pooler.", pgbouncer=true or port
    // 6543 (Supabase). Empty when it does not. pg_dump and session features do not work through one.
    QString poolerReason() const;

    const QList<QPair<QString, QString>> &parameters() const { return m_params; }

private:
    QList<QPair<QString, QString>> m_params;
    QStringList m_notes;
    bool m_pgbouncerFlag = false; // the URL said pgbouncer=true (dropped before libpq)
};

// Replaces anything that looks like a password in free text (URLs, conninfo, error messages) by ***.
QString redactSecrets(const QString &text);

// The result of reading a project's .env file: DATABASE_URL vs DIRECT_DATABASE_URL.
struct EnvFileCheck
{
    QString databaseUrl;       // redacted
    QString directDatabaseUrl; // redacted
    bool bothPresent = false;
    bool differ = false;       // they point to different databases: the cause of the 2025 incident
    QString warning;           // a loud, plain message when differ
};
// Throws tt::UserError when the file cannot be read.
EnvFileCheck checkEnvFile(const QString &path);

} // namespace tt
