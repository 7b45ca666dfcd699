#include "protectsession.h"

#include "common/errors.h"
#include "common/privatefile.h"
#include "common/progress.h"
#include "database/connectionspec.h"
#include "database/database.h"
#include "database/drill.h"
#include "database/preflight.h"
#include "database/rosterread.h"
#include "roster/rostersnapshot.h"
#include "session/envconfig.h"
#include "session/recoverysession.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPointer>
#include <QThread>

namespace tt {

namespace {

QString jobKey(ProtectSession::Job job)
{
    switch (job) {
    case ProtectSession::Job::Drill:
        return QStringLiteral("drill");
    case ProtectSession::Job::Preflight:
        return QStringLiteral("preflight");
    case ProtectSession::Job::Snapshot:
        return QStringLiteral("snapshot");
    }
    return {};
}

// The worker's Progress: cancel from the GUI thread, phases and counts reported (at most every 100 ms).
class JobProgress : public Progress
{
public:
    JobProgress(std::shared_ptr<std::atomic_bool> cancel, std::function<void(QString, qint64, qint64)> report)
        : m_cancel(std::move(cancel)), m_report(std::move(report))
    {
        m_clock.start();
    }
    void begin(const QString &phase, qint64 total) override
    {
        m_phase = phase;
        m_total = total;
        m_report(phase, 0, total);
        m_clock.restart();
    }
    void advance(qint64 done) override
    {
        if (m_clock.elapsed() < 100)
            return;
        m_clock.restart();
        m_report(m_phase, done, m_total);
    }
    bool cancelRequested() const override { return m_cancel->load(); }

private:
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::function<void(QString, qint64, qint64)> m_report;
    QString m_phase;
    qint64 m_total = 0;
    QElapsedTimer m_clock;
};

} // namespace

// Everything a job needs, copied from the session on the GUI thread before it starts.
class ProtectSession::Worker
{
public:
    Job job;
    QString connection, password, envFile, folder, migration, domain;

    void run(ProtectSession::Outcome &o, Progress *progress) const
    {
        ConnectionSpec spec = ConnectionSpec::parse(connection);
        if (!password.isEmpty())
            spec.set(QStringLiteral("password"), password);
        progress->begin(tr("Connecting to the database"), 0);
        Database db(spec);
        checkCancel(progress);
        switch (job) {
        case Job::Drill: {
            DrillOptions d;
            d.dir = folder;
            const DrillResult r = RestoreDrill::run(db, d, progress);
            o.passed = r.ok();
            o.text = r.describe();
            o.json = r.toJson();
            if (r.ok())
                o.verdict = tr("Restore drill PASSED: the backup of %1 was restored and all %2 tables match.")
                                .arg(r.database)
                                .arg(r.tables.size());
            else if (!r.restoreError.isEmpty())
                o.verdict = tr("Restore drill FAILED for %1: the backup could not be restored. Today's backup "
                               "cannot be trusted; see the details below.").arg(r.database);
            else
                o.verdict = tr("Restore drill FAILED for %1: %2 table(s) differ in the restored copy. Today's backup "
                               "cannot be trusted; see the details below.").arg(r.database).arg(r.failedTables());
            break;
        }
        case Job::Preflight: {
            PreflightOptions p;
            p.migrationFile = migration;
            p.dir = folder;
            p.envFile = envFile;
            const PreflightResult r = MigrationRehearsal::run(db, p, progress);
            o.passed = r.safe();
            o.text = r.describe();
            o.json = r.toJson();
            if (r.migrationFailed)
                o.verdict = tr("Migration rehearsal FAILED: the migration stopped with an error on the copy. "
                               "Nothing was run on %1.").arg(r.database);
            else if (!r.safe())
                o.verdict = tr("Migration rehearsal FAILED: the migration would lose or change existing rows in %1. "
                               "Do not run it on %2.").arg(r.harmedTables().join(QStringLiteral(", ")), r.database);
            else
                o.verdict = tr("Migration rehearsal PASSED: no existing row of %1 was lost or changed on the copy.")
                                .arg(r.database);
            break;
        }
        case Job::Snapshot: {
            progress->begin(tr("Reading the roster of %1").arg(domain), 0);
            const RosterSnapshot s = readRosterFromDatabase(db, domain);
            checkCancel(progress);
            const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
            o.snapshotDir = QDir(folder).filePath(QStringLiteral("roster-snapshot-%1-%2").arg(domain, stamp));
            s.write(o.snapshotDir);
            o.passed = true;
            o.text = describeSnapshotWritten(s, o.snapshotDir);
            o.json = snapshotWrittenJson(s, o.snapshotDir);
            o.verdict = tr("Roster snapshot SAVED: %1 teachers, %2 classrooms and %3 students of %4.")
                            .arg(s.teachers.size())
                            .arg(s.classrooms.size())
                            .arg(s.students.size())
                            .arg(s.school);
            break;
        }
        }
    }
};

ProtectSession::ProtectSession(QObject *parent) : QObject(parent) {}

ProtectSession::~ProtectSession()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
    }
}

void ProtectSession::setConnection(const QString &text)
{
    m_connection = text.trimmed();
}

QString ProtectSession::connectionForDisplay() const
{
    return redactSecrets(m_connection);
}

bool ProtectSession::loadEnv(const QString &path)
{
    try {
        const EnvConfig env = EnvConfig::load(path);
        const EnvConfig::Target t = env.target(EnvConfig::TargetUse::Read);
        if (!t.ok()) {
            m_envMessage = t.refusal;
            return false;
        }
        m_envFile = path;
        m_connection = t.url;
        if (env.domain().isSet() && !env.domain().text.isEmpty())
            m_domain = env.domain().text;
        m_envMessage = tr("The database of %1 (%2, line %3)%4.")
                           .arg(env.fileName(), t.variable)
                           .arg(t.line)
                           .arg(t.note.isEmpty() ? QString() : QStringLiteral(": ") + t.note);
        return true;
    } catch (const std::exception &e) {
        m_envMessage = describeError(e);
        return false;
    }
}

QString ProtectSession::title(Job job)
{
    switch (job) {
    case Job::Drill:
        return tr("Restore drill");
    case Job::Preflight:
        return tr("Migration rehearsal");
    case Job::Snapshot:
        return tr("Roster snapshot");
    }
    return {};
}

QString ProtectSession::missing(Job job) const
{
    if (m_connection.isEmpty())
        return tr("Enter the database's connection (postgresql://…) or read TrackTally's .env.");
    if (m_folder.isEmpty())
        return tr("Choose a folder for the backups and reports.");
    if (job == Job::Preflight && m_migration.isEmpty())
        return tr("Choose the migration script (.sql) to rehearse.");
    if (job == Job::Preflight && !QFileInfo(m_migration).isFile())
        return tr("The migration script %1 does not exist.").arg(m_migration);
    if (job == Job::Snapshot && m_domain.isEmpty())
        return tr("Enter the school's domain (its staff e-mail domain) to snapshot its roster.");
    return {};
}

bool ProtectSession::start(Job job)
{
    if (m_thread || !missing(job).isEmpty())
        return false;
    auto worker = std::make_shared<Worker>();
    *worker = Worker{job, m_connection, m_password, m_envFile, m_folder, m_migration, m_domain};
    auto outcome = std::make_shared<Outcome>();
    outcome->job = job;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    QPointer<ProtectSession> self(this);
    auto report = [self](QString phase, qint64 done, qint64 total) {
        QMetaObject::invokeMethod(
            self, [self, phase, done, total] {
                if (self)
                    emit self->progress(phase, done, total);
            },
            Qt::QueuedConnection);
    };
    auto cancel = m_cancel;
    m_thread.reset(QThread::create([worker, outcome, cancel, report] {
        JobProgress progress(cancel, report);
        try {
            worker->run(*outcome, &progress);
        } catch (const Cancelled &) {
            outcome->cancelled = true;
        } catch (const std::exception &e) {
            outcome->passed = false;
            outcome->text = describeError(e);
            outcome->json = QJsonObject{{QStringLiteral("error"), outcome->text}};
            outcome->verdict = tr("%1 could not run: %2").arg(ProtectSession::title(worker->job), outcome->text);
        }
        if (outcome->cancelled) {
            outcome->passed = false;
            outcome->verdict = tr("%1 was cancelled. The database was not changed.").arg(ProtectSession::title(worker->job));
            return;
        }
        // The saved report: the JSON the command's --json writes (with the job and the verdict), and its text.
        try {
            const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
            const QString base = QDir(worker->folder).filePath(QStringLiteral("%1-report-%2").arg(jobKey(worker->job), stamp));
            QJsonObject json = outcome->json;
            json.insert(QStringLiteral("job"), jobKey(worker->job));
            json.insert(QStringLiteral("passed"), outcome->passed);
            json.insert(QStringLiteral("verdict"), outcome->verdict);
            writePrivateFile(base + QStringLiteral(".json"), QJsonDocument(json).toJson());
            writePrivateFile(base + QStringLiteral(".txt"), (outcome->verdict + QStringLiteral("\n\n") + outcome->text + QLatin1Char('\n')).toUtf8());
            outcome->reportJson = base + QStringLiteral(".json");
            outcome->reportText = base + QStringLiteral(".txt");
        } catch (const std::exception &e) {
            outcome->text += QStringLiteral("\n\n") + tr("The report could not be saved: %1").arg(describeError(e));
        }
    }));
    connect(m_thread.get(), &QThread::finished, this, [this, outcome] { finish(outcome); });
    emit busyChanged(true);
    m_thread->start();
    return true;
}

void ProtectSession::finish(std::shared_ptr<Outcome> outcome)
{
    if (!m_thread)
        return;
    m_thread->wait();
    m_thread.reset();
    m_outcome = *outcome;
    emit busyChanged(false);
    emit finished();
}

void ProtectSession::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ProtectSession::waitForIdle()
{
    while (m_thread)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
}

} // namespace tt
