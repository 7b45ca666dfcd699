#pragma once
// "Protect a database", the wizard's second mode: a restore drill, a migration rehearsal and a roster snapshot
// of the school's TrackTally database, run off the GUI thread with progress and cancel, each ending in a pass
// or fail the administrator can read (the same text the command line prints) and a saved report (JSON and that
// text) in the chosen folder. No project is needed; the database is only read (the rehearsal runs on a copy).
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

class QThread;

namespace tt {

class ProtectSession : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    enum class Job { Drill, Preflight, Snapshot };
    Q_ENUM(Job)

    struct Outcome
    {
        Job job = Job::Drill;
        bool passed = false;
        bool cancelled = false;
        QString verdict;    // one line: "Restore drill passed: …" / "… failed: …"
        QString text;       // what the command line prints (describe()), or the error
        QJsonObject json;   // the command's --json, or {"error": …}
        QString reportJson; // the saved report (empty when cancelled or not saved)
        QString reportText;
        QString snapshotDir; // Snapshot: where the CSV files were written
    };

    explicit ProtectSession(QObject *parent = nullptr);
    ~ProtectSession() override;

    // The database: a postgresql:// URL, a libpq conninfo or a service name. The password (if any) stays in
    // memory; libpq also reads PGPASSWORD and ~/.pgpass.
    void setConnection(const QString &text);
    QString connection() const { return m_connection; }
    void setPassword(const QString &password) { m_password = password; }
    // TrackTally's .env: its DIRECT_DATABASE_URL (else DATABASE_URL) becomes the connection, its
    // ALLOWED_GOOGLE_DOMAIN the domain, and the rehearsal warns when the .env names another database.
    // False (and envMessage() says why) when unreadable or without a database.
    bool loadEnv(const QString &path);
    QString envFile() const { return m_envFile; }
    QString envMessage() const { return m_envMessage; }
    // The connection for people (password hidden).
    QString connectionForDisplay() const;

    void setFolder(const QString &dir) { m_folder = dir; }
    QString folder() const { return m_folder; }
    void setMigrationFile(const QString &path) { m_migration = path; }
    QString migrationFile() const { return m_migration; }
    void setDomain(const QString &domain) { m_domain = domain.trimmed().toLower(); }
    QString domain() const { return m_domain; }

    // What is missing before job can run (empty: ready), in an administrator's words.
    QString missing(Job job) const;
    static QString title(Job job);

    // Starts job on a worker thread. False when busy or something is missing (missing() says what).
    bool start(Job job);
    void cancel();
    bool isBusy() const { return m_thread != nullptr; }
    void waitForIdle(); // for tests: processes events until the job has finished
    const std::optional<Outcome> &outcome() const { return m_outcome; }

signals:
    void busyChanged(bool busy);
    void progress(const QString &phase, qint64 done, qint64 total);
    void finished(); // outcome() holds the result

private:
    class Worker;
    void finish(std::shared_ptr<Outcome> outcome);

    QString m_connection, m_password, m_envFile, m_envMessage, m_folder, m_migration, m_domain;
    std::unique_ptr<QThread> m_thread;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::optional<Outcome> m_outcome;
};

} // namespace tt
