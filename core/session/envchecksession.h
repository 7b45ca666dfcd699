#pragma once
// The Target database step's check of TrackTally's own .env (or .env.production): do DATABASE_URL and
// DIRECT_DATABASE_URL reach the same database, and is it the database the recovery is connected to? Decided by
// connecting (system identifier + database name, compareDatabases), never by comparing the strings: a pooled
// "-pooler" host and the direct host of one database are the same database and never raise a warning. A
// mismatch is what caused TrackTally's data loss, so the page shows it prominently, naming both databases.
// The check runs on the session's worker; the file's path (never a value from it) is kept in the project.
#include "database/database.h"
#include "session/envconfig.h"

#include <QObject>
#include <QStringList>
#include <optional>

namespace tt {

class DatabaseSession;
class RecoverySession;

struct EnvDatabaseCheck
{
    struct Url
    {
        QString variable;  // "DATABASE_URL"
        QString where;     // "DATABASE_URL (line 3)"
        QString redacted;  // the URL with its password hidden; empty: not set in the file
        QString database;  // current_database() when reached
        QString error;     // why it could not be reached (redacted); empty when reached or not set
        std::optional<DatabaseMatch> vsConnected; // compared with the connected database (when both known)
        bool isSet() const { return !redacted.isEmpty(); }
    };
    QString path;
    Url databaseUrl, directUrl;
    std::optional<DatabaseMatch> urlsMatch; // DATABASE_URL vs DIRECT_DATABASE_URL (when both reached)
    QString connected;                      // "tracktally_sandbox on /tmp/..." (empty: not connected)
    QStringList warnings; // each names both databases; empty = nothing disagrees
    QStringList notes;    // what could not be checked, and why

    bool agrees() const { return warnings.isEmpty(); }
    // Lines for the page and the CLI: each URL (redacted) with what it reaches.
    QStringList describe() const;
};

// Connects to both URLs of env (and compares each with connected, when given). Never throws for an unreachable
// URL: it becomes a note (and, when only the names can be compared, the offline guess of checkEnvFile).
EnvDatabaseCheck checkEnvDatabases(const EnvConfig &env, const DatabaseFingerprint *connected,
                                   const QString &connectedLabel);

class EnvCheckSession : public QObject
{
    Q_OBJECT
public:
    EnvCheckSession(RecoverySession *session, DatabaseSession *database, QObject *parent = nullptr);

    QString envPath() const { return m_path; }
    // Reads the file (small, on this thread), remembers its path in the project and starts the check. False
    // when it cannot be read (error()).
    bool setEnvPath(const QString &path);
    // Starts the check on the worker (again, e.g. after connecting); when the worker is busy, as soon as it is free.
    void check();
    bool isChecking() const { return m_running || m_pending; }
    QString error() const { return m_error; }
    const std::optional<EnvDatabaseCheck> &result() const { return m_result; }

signals:
    void changed();

private:
    void startIfPending();

    RecoverySession *m_session;
    DatabaseSession *m_database;
    QString m_path;
    std::optional<EnvConfig> m_config;
    std::optional<EnvDatabaseCheck> m_result;
    QString m_error;
    bool m_pending = false;
    bool m_running = false;
};

} // namespace tt
