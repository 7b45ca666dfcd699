#pragma once
// Where to connect: a libpq URL (postgresql://…), a keyword/value conninfo ("host=… dbname=…") or a bare
// service name (from pg_service.conf). Parsed here only to show it safely (passwords redacted), to add
// safe defaults (connect timeout, keepalives) and to hand tools like pg_dump a password-free string.
// libpq itself still resolves services, PGPASSWORD and .pgpass.
#include <QList>
#include <QPair>
#include <QString>

namespace tt {

class ConnectionSpec
{
public:
    ConnectionSpec() = default;
    // Throws tt::DatabaseError when the text cannot be understood.
    static ConnectionSpec parse(const QString &text);

    QString value(const QString &key) const;
    bool has(const QString &key) const;
    void set(const QString &key, const QString &value);
    void setDefault(const QString &key, const QString &value); // only when not given
    void remove(const QString &key);

    QString password() const { return value(QStringLiteral("password")); }
    QString database() const; // dbname, or empty (libpq's default applies)
    QString host() const;

    // keyword='value' … for libpq, password included (never print it).
    QString conninfo() const;
    // Same, without the password: for child processes that get it through PGPASSWORD.
    QString conninfoWithoutPassword() const;
    // For people and logs: keyword/value form with password=*** .
    QString redacted() const;

    // Adds connect_timeout (10 s), keepalives and tcp_user_timeout unless given, and application_name.
    ConnectionSpec withSafeDefaults() const;

    const QList<QPair<QString, QString>> &parameters() const { return m_params; }

private:
    QList<QPair<QString, QString>> m_params;
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
