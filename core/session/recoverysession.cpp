#include "recoverysession.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QMutex>
#include <QPointer>
#include <QSettings>
#include <QThread>

namespace tt {

namespace {
constexpr int MaxRecent = 8;
QString recentKey() { return QStringLiteral("recentProjects"); }
} // namespace

// Adapts tt::Progress to queued signals of the session, throttled to ~20 updates a second.
class RecoverySession::WorkerProgress : public Progress
{
public:
    explicit WorkerProgress(RecoverySession *s) : m_session(s) { m_clock.start(); }
    void begin(const QString &phase, qint64 total) override
    {
        {
            QMutexLocker lock(&m_mutex);
            m_phase = phase;
        }
        m_total = total;
        post(0, true);
    }
    void advance(qint64 done) override { post(done, false); }
    bool cancelRequested() const override { return m_cancel.load(); }
    void cancel() { m_cancel.store(true); }

    // The finished job's outcome, handed to the GUI thread.
    std::optional<Project> result;
    std::function<void()> deliver;
    QString summary;
    QString error;
    bool cancelled = false;
    QString title;

private:
    void post(qint64 done, bool force)
    {
        if (!force && m_clock.elapsed() - m_last < 50)
            return;
        m_last = m_clock.elapsed();
        QString phase;
        {
            QMutexLocker lock(&m_mutex);
            phase = m_phase;
        }
        const qint64 total = m_total;
        QPointer<RecoverySession> s = m_session;
        QMetaObject::invokeMethod(
            m_session, [s, phase, done, total] { if (s) emit s->progress(phase, done, total); }, Qt::QueuedConnection);
    }

    RecoverySession *m_session;
    std::atomic_bool m_cancel{false};
    QMutex m_mutex;
    QString m_phase;
    std::atomic<qint64> m_total{0};
    QElapsedTimer m_clock;
    qint64 m_last = -1000;
};

RecoverySession::RecoverySession(QObject *parent) : QObject(parent)
{
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(1000);
    connect(&m_autosave, &QTimer::timeout, this, [this] { saveNow(); });
}

RecoverySession::~RecoverySession()
{
    if (m_thread) {
        cancelTask();
        m_thread->wait();
    }
    if (m_project && !m_busy)
        saveNow();
}

void RecoverySession::newProject(const QString &path, const SchoolInfo &school)
{
    if (school.name.trimmed().isEmpty())
        throw UserError(tr("Enter the school's name."));
    if (path.trimmed().isEmpty())
        throw UserError(tr("Choose where to save the project file."));
    Project p = Project::create(school);
    p.save(path);
    m_project = std::move(p);
    m_path = QFileInfo(path).absoluteFilePath();
    m_savedGeneration = m_project->generation();
    addRecentProject(m_path);
    m_accepted.reset();
    ++m_recordsGeneration;
    emit projectOpened();
    emit projectChanged();
    emit recordsChanged();
}

void RecoverySession::openProject(const QString &path)
{
    Project p = Project::load(path);
    m_autosave.stop();
    m_project = std::move(p);
    m_path = QFileInfo(path).absoluteFilePath();
    m_savedGeneration = m_project->generation();
    addRecentProject(m_path);
    m_accepted.reset();
    ++m_recordsGeneration;
    emit projectOpened();
    emit projectChanged();
    emit recordsChanged();
}

void RecoverySession::markChanged()
{
    if (!m_project)
        return;
    m_autosave.start();
    emit projectChanged();
}

bool RecoverySession::saveNow()
{
    m_autosave.stop();
    if (!m_project || m_busy || m_path.isEmpty())
        return false;
    if (m_project->generation() == m_savedGeneration)
        return true;
    try {
        m_project->save(m_path);
        m_savedGeneration = m_project->generation();
        emit saved(m_path);
        return true;
    } catch (const std::exception &e) {
        emit saveFailed(describeError(e));
        return false;
    }
}

std::shared_ptr<const std::vector<IncidentRecord>> RecoverySession::accepted()
{
    if (!m_project)
        return std::make_shared<const std::vector<IncidentRecord>>();
    if (!m_accepted)
        m_accepted = std::make_shared<const std::vector<IncidentRecord>>(m_project->acceptedRecords());
    return m_accepted;
}

void RecoverySession::markRecordsChanged()
{
    m_accepted.reset();
    ++m_recordsGeneration;
    markChanged();
    emit recordsChanged();
}

int RecoverySession::savedStep() const
{
    if (!m_project)
        return 0;
    const nlohmann::json *w = std::as_const(*m_project).section("wizard");
    if (!w || !w->is_object())
        return 0;
    return w->value("step", 0);
}

void RecoverySession::setStep(int step, const QString &pageName)
{
    if (!m_project || m_busy || savedStep() == step)
        return;
    nlohmann::json &w = m_project->section("wizard");
    if (!w.is_object())
        w = nlohmann::json::object();
    w["step"] = step;
    w["page"] = pageName.toStdString();
    markChanged();
}

QStringList RecoverySession::recentProjects()
{
    QSettings settings;
    return settings.value(recentKey()).toStringList();
}

void RecoverySession::addRecentProject(const QString &path)
{
    QSettings settings;
    QStringList list = settings.value(recentKey()).toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > MaxRecent)
        list.removeLast();
    settings.setValue(recentKey(), list);
}

bool RecoverySession::runTask(const QString &title, Job job)
{
    if (!m_project || m_busy)
        return false;
    saveNow();
    auto prog = std::make_shared<WorkerProgress>(this);
    prog->title = title;
    m_progress = prog;
    Project copy = *m_project;
    m_thread.reset(QThread::create([prog, job = std::move(job), copy = std::move(copy)]() mutable {
        try {
            prog->summary = job(copy, prog.get());
            prog->result = std::move(copy);
        } catch (const Cancelled &) {
            prog->cancelled = true;
        } catch (const std::exception &e) {
            prog->error = describeError(e);
        }
    }));
    connect(m_thread.get(), &QThread::finished, this, &RecoverySession::finishTask, Qt::QueuedConnection);
    setBusy(true);
    m_thread->start();
    return true;
}

bool RecoverySession::runReadTask(const QString &title, ReadJob job)
{
    if (!m_project || m_busy)
        return false;
    auto prog = std::make_shared<WorkerProgress>(this);
    prog->title = title;
    m_progress = prog;
    const Project *project = &*m_project; // not modified while busy
    m_thread.reset(QThread::create([prog, job = std::move(job), project]() {
        try {
            prog->deliver = job(*project, prog.get());
        } catch (const Cancelled &) {
            prog->cancelled = true;
        } catch (const std::exception &e) {
            prog->error = describeError(e);
        }
    }));
    connect(m_thread.get(), &QThread::finished, this, &RecoverySession::finishTask, Qt::QueuedConnection);
    setBusy(true);
    m_thread->start();
    return true;
}

void RecoverySession::finishTask()
{
    if (!m_thread)
        return;
    m_thread->wait();
    m_thread.reset();
    auto prog = std::move(m_progress);
    setBusy(false);
    if (prog->cancelled) {
        emit taskFailed(prog->title, tr("%1 was cancelled. Nothing was changed.").arg(prog->title));
        return;
    }
    if (!prog->error.isEmpty()) {
        emit taskFailed(prog->title, prog->error);
        return;
    }
    if (prog->result) {
        *m_project = std::move(*prog->result);
        m_project->touch();
        markRecordsChanged();
    }
    if (prog->deliver)
        prog->deliver();
    emit taskFinished(prog->title, prog->summary);
}

void RecoverySession::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

void RecoverySession::cancelTask()
{
    if (m_progress)
        m_progress->cancel();
}

void RecoverySession::waitForIdle()
{
    while (m_busy) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(5);
    }
}

QString describeError(const std::exception &e)
{
    if (const auto *u = dynamic_cast<const UserError *>(&e))
        return u->message();
    return QCoreApplication::translate("tt::RecoverySession",
                                       "Something unexpected went wrong (%1). Your project was not changed; "
                                       "try again, and if it happens again, keep the project file and report it.")
        .arg(QString::fromLocal8Bit(e.what()));
}

} // namespace tt
